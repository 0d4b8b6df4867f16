import 'reflect-metadata';

import type { RiskInput } from '@app/contracts/plain';
import { RiskResultDto, validatePlain } from '@app/contracts';
import runRiskTask from './risk-worker';

const returns = Array.from({ length: 60 }, (_, t) => Math.sin(t) / 100);

function input(overrides: Partial<RiskInput> = {}): RiskInput {
  return {
    method: 'parametric',
    confidence: 0.99,
    horizonDays: 1,
    positions: [{ symbol: 'AAPL', quantity: 10, price: 100 }],
    returns: { AAPL: returns },
    ...overrides,
  };
}

describe('risk worker entry', () => {
  it('returns the result as data', () => {
    const response = runRiskTask({ input: input(), jobId: 'job-1' });
    expect(response.ok).toBe(true);
    if (response.ok) expect(response.result.var).toBeGreaterThan(0);
  });

  it.each(['historical', 'parametric', 'monte_carlo'] as const)(
    'produces a %s result that passes RiskResultDto after a JSON round trip',
    (method) => {
      const hedged = [
        { symbol: 'AAPL', quantity: 10, price: 100 },
        { symbol: 'AAPL', quantity: -10, price: 100 },
      ];
      for (const positions of [input().positions, hedged]) {
        const response = runRiskTask({ input: input({ method, positions }), jobId: 'job-1' });
        if (!response.ok) throw new Error(response.error.message);
        const outcome = validatePlain(RiskResultDto, JSON.parse(JSON.stringify(response.result)));
        expect(outcome.ok ? [] : outcome.errors).toEqual([]);
      }
    },
  );

  it('RiskResultDto rejects a non-finite VaR and unknown fields', () => {
    const response = runRiskTask({ input: input(), jobId: 'job-1' });
    if (!response.ok) throw new Error(response.error.message);
    const outcome = validatePlain(RiskResultDto, { ...response.result, var: null, extra: 1 });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors.map((error) => error.path).sort()).toEqual(['extra', 'var']);
  });

  it('returns computation failures as data with their code (they survive the thread boundary)', () => {
    const response = runRiskTask({
      input: input({ positions: [{ symbol: 'AAPL', quantity: 1e300, price: 1e300 }] }),
      jobId: 'job-1',
    });
    expect(response).toEqual({
      ok: false,
      error: { code: 'NON_FINITE_EXPOSURE', message: 'positions[0] exposure quantity * price overflows' },
    });
    // and the response is structured-cloneable as is
    expect(structuredClone(response)).toEqual(response);
  });
});
