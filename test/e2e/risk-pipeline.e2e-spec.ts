import { useSystemUnderTest } from '../support/e2e-system';

/** Daily returns from a fixed linear congruential generator: the same series on every run. */
function series(seed: number, n: number, scale: number): number[] {
  let state = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push((state / 2147483648 - 0.5) * scale);
  }
  return out;
}

const returns = { AAA: series(1, 60, 0.04), BBB: series(2, 60, 0.03), CCC: series(3, 60, 0.05) };
const positions = [
  { symbol: 'AAA', quantity: 100, price: 50 },
  { symbol: 'BBB', quantity: -40, price: 120 },
  { symbol: 'CCC', quantity: 10, price: 300 },
];

/** Historical VaR/ES from the formulas, written independently of the service's code. */
function referenceHistorical(confidence: number, horizonDays: number): { var: number; es: number } {
  const n = returns.AAA.length;
  const pnl = Array.from({ length: n }, (_, t) =>
    positions.reduce(
      (sum, p) => sum + p.quantity * p.price * returns[p.symbol as keyof typeof returns][t],
      0,
    ),
  );
  const sorted = [...pnl].sort((a, b) => a - b);
  const h = (n - 1) * (1 - confidence);
  const lo = Math.floor(h);
  const q = sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, n - 1)] ?? sorted[lo]) - sorted[lo]);
  const var1 = -q;
  const tail = pnl.filter((x) => x <= -var1);
  const es1 = -tail.reduce((a, b) => a + b, 0) / tail.length;
  return { var: var1 * Math.sqrt(horizonDays), es: es1 * Math.sqrt(horizonDays) };
}

describe('risk pipeline (end to end)', () => {
  const e2e = useSystemUnderTest({
    services: ['gateway', 'risk', 'projector'],
    env: { RISK_THREADS: '1' },
  });

  const submitRisk = async (input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const response = await e2e.api.submit({ type: 'risk', input });
    expect(response.status).toBe(202);
    return e2e.api.terminal(response.body.id as string);
  };

  it('computes historical VaR and ES matching the formulas', async () => {
    const job = await submitRisk({
      method: 'historical',
      confidence: 0.95,
      horizonDays: 10,
      positions,
      returns,
    });
    expect(job.status).toBe('SUCCEEDED');
    const result = job.result as Record<string, number>;
    const expected = referenceHistorical(0.95, 10);
    expect(result.var).toBeCloseTo(expected.var, 6);
    expect(result.expectedShortfall).toBeCloseTo(expected.es, 6);
    expect(result).toMatchObject({
      method: 'historical',
      confidence: 0.95,
      horizonDays: 10,
      observations: 60,
    });
    expect(result.portfolioValue).toBeCloseTo(100 * 50 - 40 * 120 + 10 * 300, 9);
    // The P&L histogram: every observed day counted once, -VaR inside its range.
    const histogram = (job.result as { pnlHistogram: { edges: number[]; counts: number[] } }).pnlHistogram;
    expect(histogram.counts).toHaveLength(40);
    expect(histogram.edges).toHaveLength(41);
    expect(histogram.counts.reduce((sum, count) => sum + count, 0)).toBe(60);
    expect(histogram.edges[0]).toBeLessThanOrEqual(-result.var);
  });

  it('computes parametric VaR, and Monte Carlo reproducibly for a seed', async () => {
    const parametric = await submitRisk({
      method: 'parametric',
      confidence: 0.99,
      horizonDays: 1,
      positions,
      returns,
    });
    expect(parametric.status).toBe('SUCCEEDED');
    const mcInput = {
      method: 'monte_carlo',
      confidence: 0.99,
      horizonDays: 1,
      positions,
      returns,
      simulations: 200000,
      seed: 7,
    };
    const [first, second] = await Promise.all([submitRisk(mcInput), submitRisk(mcInput)]);
    const a = first.result as Record<string, number>;
    const b = second.result as Record<string, number>;
    expect(a.var).toBe(b.var);
    expect(a.expectedShortfall).toBe(b.expectedShortfall);
    expect(a.seed).toBe(7);
    expect(a.simulations).toBe(200000);
    // The same seed draws the same paths: the same histogram; parametric has no sample to bin.
    const histogramOf = (job: Record<string, unknown>): unknown =>
      (job.result as Record<string, unknown>).pnlHistogram;
    expect(histogramOf(first)).toEqual(histogramOf(second));
    expect(histogramOf(first)).not.toBeNull();
    expect(histogramOf(parametric)).toBeNull();
    // Zero-mean normal with the sample covariance: Monte Carlo converges to the parametric answer.
    const p = parametric.result as Record<string, number>;
    expect(Math.abs(a.var - p.var) / p.var).toBeLessThan(0.03);
  });

  it.each([
    [
      'a missing series',
      {
        method: 'historical',
        confidence: 0.99,
        horizonDays: 1,
        positions,
        returns: { AAA: returns.AAA, BBB: returns.BBB },
      },
    ],
    [
      'unequal lengths',
      {
        method: 'historical',
        confidence: 0.99,
        horizonDays: 1,
        positions,
        returns: { ...returns, CCC: returns.CCC.slice(1) },
      },
    ],
    ['confidence 1', { method: 'parametric', confidence: 1, horizonDays: 1, positions, returns }],
    [
      '10^9 simulations',
      { method: 'monte_carlo', confidence: 0.99, horizonDays: 1, positions, returns, simulations: 1e9 },
    ],
    [
      'an unknown field',
      { method: 'parametric', confidence: 0.99, horizonDays: 1, positions, returns, leverage: 2 },
    ],
    [
      'a short series',
      {
        method: 'historical',
        confidence: 0.99,
        horizonDays: 1,
        positions: positions.slice(0, 1),
        returns: { AAA: returns.AAA.slice(0, 10) },
      },
    ],
    ['horizon 0', { method: 'parametric', confidence: 0.99, horizonDays: 0, positions, returns }],
    [
      'a negative price',
      {
        method: 'parametric',
        confidence: 0.99,
        horizonDays: 1,
        positions: [{ symbol: 'AAA', quantity: 1, price: -1 }],
        returns: { AAA: returns.AAA },
      },
    ],
  ])('answers 400 with field errors for %s', async (_name, input) => {
    const response = await e2e.api.submit({ type: 'risk', input });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const errors = response.body.errors as { path: string; message: string }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.path).toMatch(/^input/);
  });

  it('answers 400 for non-finite numbers', async () => {
    const body = JSON.stringify({
      type: 'risk',
      input: { method: 'parametric', confidence: 0.99, horizonDays: 1, positions, returns },
    }).replace(String(returns.AAA[3]), '1e999');
    const response = await e2e.api.request('POST', '/jobs', {
      rawBody: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });
});
