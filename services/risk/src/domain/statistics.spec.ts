import {
  absoluteQuadraticForm,
  allFinite,
  portfolioPnl,
  quadraticForm,
  sampleCovariance,
} from './statistics';

function naiveCovariance(series: number[][]): number[][] {
  const n = series[0].length;
  const mean = (s: number[]): number => s.reduce((a, b) => a + b, 0) / n;
  return series.map((a) =>
    series.map((b) => {
      const ma = mean(a);
      const mb = mean(b);
      let sum = 0;
      for (let t = 0; t < n; t++) sum += (a[t] - ma) * (b[t] - mb);
      return sum / (n - 1);
    }),
  );
}

describe('statistics', () => {
  const series = [
    [0.01, -0.02, 0.015, 0.003, -0.007, 0.02],
    [0.005, -0.01, 0.02, -0.004, 0.0, 0.011],
    [-0.03, 0.01, 0.0, 0.012, 0.02, -0.015],
  ];
  const k = series.length;
  const n = series[0].length;
  const matrix = Float64Array.from(series.flat());

  it('computes the sample covariance with divisor n - 1', () => {
    const covariance = sampleCovariance(matrix, k, n);
    const expected = naiveCovariance(series);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        expect(covariance[i * k + j]).toBeCloseTo(expected[i][j], 17);
        expect(covariance[i * k + j]).toBe(covariance[j * k + i]);
      }
    }
    // Known value: variance of [1, 2, 3, 4] with n - 1 is 5/3.
    expect(sampleCovariance(Float64Array.from([1, 2, 3, 4]), 1, 4)[0]).toBeCloseTo(5 / 3, 15);
  });

  it('is translation invariant (two-pass algorithm keeps precision with a large mean)', () => {
    const shifted = Float64Array.from([1e6 + 1, 1e6 + 2, 1e6 + 3, 1e6 + 4]);
    expect(sampleCovariance(shifted, 1, 4)[0]).toBeCloseTo(5 / 3, 9);
  });

  it("computes the portfolio P&L, w'Mw and its absolute counterpart", () => {
    const w = Float64Array.from([100, -50, 20]);
    const pnl = portfolioPnl(matrix, w, n);
    for (let t = 0; t < n; t++) {
      expect(pnl[t]).toBeCloseTo(100 * series[0][t] - 50 * series[1][t] + 20 * series[2][t], 12);
    }
    const m = Float64Array.from([2, -1, 0, -1, 2, -1, 0, -1, 2]);
    const v = Float64Array.from([1, 2, 3]);
    expect(quadraticForm(m, v)).toBe(2 + 8 + 18 - 2 * 2 - 2 * 6);
    expect(absoluteQuadraticForm(m, v)).toBe(2 + 8 + 18 + 2 * 2 + 2 * 6);
  });

  it('flags non-finite values and rejects bad shapes', () => {
    expect(allFinite(Float64Array.from([1, 2]))).toBe(true);
    expect(allFinite(Float64Array.from([1, Infinity]))).toBe(false);
    expect(allFinite(Float64Array.from([NaN]))).toBe(false);
    expect(() => sampleCovariance(Float64Array.from([1]), 1, 1)).toThrow(RangeError);
    expect(() => sampleCovariance(Float64Array.from([1, 2, 3]), 2, 2)).toThrow(RangeError);
  });
});
