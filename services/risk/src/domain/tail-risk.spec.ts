import { empiricalTailRisk } from './tail-risk';

describe('empiricalTailRisk', () => {
  it('takes VaR from the linear quantile and ES as the mean of the values at or below it', () => {
    // 1..100 shuffled, as losses: P&L = -(1..100). Q(0.05) with h = 99 * 0.05 = 4.95 -> -96 + 0.95 * 1 = -95.05.
    const pnl = Float64Array.from({ length: 100 }, (_, i) => -(((i * 37) % 100) + 1));
    const { var: valueAtRisk, expectedShortfall } = empiricalTailRisk(pnl, 0.95);
    expect(valueAtRisk).toBeCloseTo(95.05, 12);
    // values <= -95.05: -100..-96 -> mean -98
    expect(expectedShortfall).toBeCloseTo(98, 12);
  });

  it('leaves the sample untouched and can reuse a scratch buffer', () => {
    const pnl = Float64Array.from([3, -1, 4, -1, -5, 9, -2, 6]);
    const before = Array.from(pnl);
    const scratch = new Float64Array(16);
    const a = empiricalTailRisk(pnl, 0.9, scratch);
    const b = empiricalTailRisk(pnl, 0.9);
    expect(Array.from(pnl)).toEqual(before);
    expect(Object.is(a.var, b.var) && Object.is(a.expectedShortfall, b.expectedShortfall)).toBe(true);
  });

  it('includes ties at the quantile in the tail', () => {
    const pnl = Float64Array.from([-2, -2, -2, 1, 1, 1, 1, 1, 1, 1]);
    const { var: valueAtRisk, expectedShortfall } = empiricalTailRisk(pnl, 0.9);
    expect(valueAtRisk).toBe(2);
    expect(expectedShortfall).toBe(2);
  });
});
