import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

import { validatePlain } from '../../validation';
import { RiskInputDto } from './risk-input.dto';

const OBSERVATIONS = 250;

function series(length: number, offset = 0): number[] {
  return Array.from({ length }, (_, t) => Math.sin(t + offset) / 100);
}

function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    method: 'historical',
    confidence: 0.99,
    horizonDays: 10,
    positions: [
      { symbol: 'AAPL', quantity: 100, price: 190.5 },
      { symbol: 'MSFT', quantity: -20, price: 410 },
    ],
    returns: { AAPL: series(OBSERVATIONS), MSFT: series(OBSERVATIONS, 1) },
    ...overrides,
  };
}

/** Field path -> messages, flattening nested errors (`positions.0.price`). */
function flatten(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix + error.property;
    if (error.constraints !== undefined) out[path] = Object.values(error.constraints);
    Object.assign(out, flatten(error.children ?? [], `${path}.`));
  }
  return out;
}

async function errorsOf(body: unknown): Promise<Record<string, string[]>> {
  const dto = plainToInstance(RiskInputDto, body);
  return flatten(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
}

describe('RiskInputDto', () => {
  it('accepts a valid historical request, including a short position', async () => {
    expect(await errorsOf(validBody())).toEqual({});
  });

  it('accepts parametric and monte_carlo (with simulations and seed) requests', async () => {
    expect(await errorsOf(validBody({ method: 'parametric' }))).toEqual({});
    expect(await errorsOf(validBody({ method: 'monte_carlo' }))).toEqual({});
    expect(
      await errorsOf(
        validBody({ method: 'monte_carlo', simulations: 1_000_000, seed: Number.MAX_SAFE_INTEGER }),
      ),
    ).toEqual({});
    expect(await errorsOf(validBody({ method: 'monte_carlo', simulations: 1000, seed: 0 }))).toEqual({});
  });

  it('accepts several positions on the same symbol and the minimum of 30 observations', async () => {
    const body = validBody({
      positions: [
        { symbol: 'AAPL', quantity: 1, price: 1 },
        { symbol: 'AAPL', quantity: -3, price: 2 },
      ],
      returns: { AAPL: series(30) },
    });
    expect(await errorsOf(body)).toEqual({});
  });

  it('names a missing series', async () => {
    const errors = await errorsOf(validBody({ returns: { AAPL: series(OBSERVATIONS) } }));
    expect(Object.keys(errors)).toEqual(['returns']);
    expect(errors.returns[0]).toContain(
      "returns.MSFT is missing: every position's symbol needs a return series",
    );
  });

  it('names the series whose length differs from the others', async () => {
    const errors = await errorsOf(
      validBody({
        positions: [
          { symbol: 'AAPL', quantity: 1, price: 1 },
          { symbol: 'MSFT', quantity: 1, price: 1 },
          { symbol: 'GOOG', quantity: 1, price: 1 },
        ],
        returns: { AAPL: series(250), MSFT: series(249), GOOG: series(250) },
      }),
    );
    expect(errors.returns).toEqual([
      'returns.MSFT must have 250 values like the other series (has 249); all series must have equal length',
    ]);
  });

  it('rejects series shorter than 30 values', async () => {
    const errors = await errorsOf(validBody({ returns: { AAPL: series(29), MSFT: series(29) } }));
    expect(errors.returns[0]).toContain('returns.AAPL must have at least 30 values (has 29)');
    expect(errors.returns[0]).toContain('returns.MSFT must have at least 30 values (has 29)');
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a numeric string', '0.01'],
    ['null', null],
  ])('rejects a non-finite return value (%s) and names its index', async (_label, bad) => {
    const values: unknown[] = series(OBSERVATIONS);
    values[17] = bad;
    const errors = await errorsOf(validBody({ returns: { AAPL: values, MSFT: series(OBSERVATIONS) } }));
    expect(errors.returns).toEqual(['returns.AAPL[17] must be a finite number']);
  });

  it('counts several bad values and quotes symbols that are not identifiers', async () => {
    const values: unknown[] = series(OBSERVATIONS);
    values[3] = NaN;
    values[4] = 'x';
    const errors = await errorsOf(
      validBody({
        positions: [{ symbol: 'BRK.B', quantity: 1, price: 400 }],
        returns: { 'BRK.B': values },
      }),
    );
    expect(errors.returns).toEqual(['returns["BRK.B"][3] must be a finite number (2 values are not)']);
  });

  it('rejects a series that is not an array and a series without position', async () => {
    const errors = await errorsOf(
      validBody({ returns: { AAPL: 'oops', MSFT: series(OBSERVATIONS), TSLA: series(OBSERVATIONS) } }),
    );
    expect(errors.returns[0]).toContain('returns.AAPL must be an array of daily returns');
    expect(errors.returns[0]).toContain('returns.TSLA does not belong to any position; remove it');
  });

  it('rejects returns that is not an object', async () => {
    expect((await errorsOf(validBody({ returns: [1, 2, 3] }))).returns).toEqual([
      'returns must be an object mapping each symbol to its daily returns',
    ]);
    expect(Object.keys(await errorsOf(validBody({ returns: undefined })))).toEqual(['returns']);
  });

  it.each([1, 0.5, 0.3, 1.5, Number.NaN, '0.99', null])('rejects confidence %p', async (confidence) => {
    const errors = await errorsOf(validBody({ confidence }));
    expect(errors).toEqual({
      confidence: ['confidence must be a number strictly between 0.5 and 1, e.g. 0.99'],
    });
  });

  it.each([0, 261, 1.5, -1, '10'])('rejects horizonDays %p', async (horizonDays) => {
    const errors = await errorsOf(validBody({ horizonDays }));
    expect(Object.keys(errors)).toEqual(['horizonDays']);
    expect(errors.horizonDays).toContain('horizonDays must be an integer between 1 and 260');
  });

  it('rejects an unknown method', async () => {
    expect(await errorsOf(validBody({ method: 'garch' }))).toEqual({
      method: ['method must be one of: historical, parametric, monte_carlo'],
    });
  });

  it.each([1e9, 999, 1_000_001, 5000.5, null])(
    'rejects simulations %p for monte_carlo',
    async (simulations) => {
      const errors = await errorsOf(validBody({ method: 'monte_carlo', simulations }));
      expect(Object.keys(errors)).toEqual(['simulations']);
      expect(errors.simulations).toContain('simulations must be an integer between 1000 and 1000000');
    },
  );

  it.each([-1, 1.5, 2 ** 53, '42', null])('rejects seed %p', async (seed) => {
    const errors = await errorsOf(validBody({ method: 'monte_carlo', seed }));
    expect(Object.keys(errors)).toEqual(['seed']);
    expect(errors.seed).toContain('seed must be an integer between 0 and 9007199254740991');
  });

  it.each(['historical', 'parametric'])('rejects simulations and seed for %s', async (method) => {
    const errors = await errorsOf(validBody({ method, simulations: 10_000, seed: 7 }));
    expect(errors).toEqual({
      simulations: [`simulations is only allowed when method is "monte_carlo" (method is "${method}")`],
      seed: [`seed is only allowed when method is "monte_carlo" (method is "${method}")`],
    });
  });

  it('rejects unknown fields at the top level and inside positions', async () => {
    const body = validBody({ currency: 'USD' });
    (body.positions as Record<string, unknown>[])[1].side = 'short';
    const errors = await errorsOf(body);
    expect(errors).toEqual({
      currency: ['property currency should not exist'],
      'positions.1.side': ['property side should not exist'],
    });
  });

  it('rejects an empty or oversized position list', async () => {
    expect(Object.keys(await errorsOf(validBody({ positions: [], returns: {} })))).toEqual(['positions']);
    const many = Array.from({ length: 501 }, (_, i) => ({ symbol: `S${i}`, quantity: 1, price: 1 }));
    const returns = Object.fromEntries(many.map((p) => [p.symbol, series(30)]));
    const errors = await errorsOf(validBody({ positions: many, returns }));
    expect(errors.positions).toEqual(['positions must contain no more than 500 elements']);
  });

  it('validates each position: symbol, finite quantity, price > 0', async () => {
    const errors = await errorsOf(
      validBody({
        positions: [
          { symbol: 'AAPL', quantity: Infinity, price: 0 },
          { symbol: 'MSFT', quantity: 1, price: -5 },
          { symbol: '', quantity: '3', price: 1 },
        ],
      }),
    );
    expect(errors['positions.0.quantity']).toEqual(['quantity must be a finite number']);
    expect(errors['positions.0.price']).toEqual(['price must be a finite number greater than 0']);
    expect(errors['positions.1.price']).toEqual(['price must be a finite number greater than 0']);
    expect(errors['positions.2.symbol']).toEqual(['symbol should not be empty']);
    expect(errors['positions.2.quantity']).toEqual(['quantity must be a finite number']);
  });

  it('rejects a non-object position', async () => {
    const errors = await errorsOf(validBody({ positions: [42], returns: {} }));
    expect(errors).toEqual({
      'positions.0': ['each value in nested property positions must be either object or array'],
    });
  });

  it('does not resolve symbols through the prototype chain', async () => {
    const errors = await errorsOf(
      validBody({ positions: [{ symbol: 'constructor', quantity: 1, price: 1 }], returns: {} }),
    );
    expect(errors.returns[0]).toContain('returns.constructor is missing');
  });

  it('caps the number of problems spelled out in one message', async () => {
    const positions = Array.from({ length: 15 }, (_, i) => ({ symbol: `S${i}`, quantity: 1, price: 1 }));
    const errors = await errorsOf(validBody({ positions, returns: {} }));
    expect(errors.returns[0]).toMatch(/returns\.S9 is missing.*; and 5 more problem\(s\)$/);
  });

  it('works with the platform validator (validateSync, strict options) and yields addressed field errors', () => {
    const body = validBody({ returns: { AAPL: series(OBSERVATIONS), MSFT: series(100) } });
    (body.positions as Record<string, unknown>[])[0].price = 0;
    const outcome = validatePlain(RiskInputDto, body, 'input');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.errors).toEqual([
        { path: 'input.positions.0.price', message: 'price must be a finite number greater than 0' },
        {
          path: 'input.returns',
          message:
            'returns.MSFT must have 250 values like the other series (has 100); all series must have equal length',
        },
      ]);
    }
    expect(validatePlain(RiskInputDto, validBody({ method: 'monte_carlo', seed: 1 }), 'input').ok).toBe(true);
  });
});
