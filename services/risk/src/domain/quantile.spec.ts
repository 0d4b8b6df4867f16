import { numpyLerp, quantileInPlace, quantileOfSorted, selectInPlace } from './quantile';
import { mulberry32, naiveQuantile } from '../../testing/naive-reference';

describe('quantile (numpy linear)', () => {
  it('matches hand-computed numpy values', () => {
    // np.quantile([1, 2, 3, 4], 0.3) == 1.9; np.quantile(range(1, 11), 0.01) == 1.09
    expect(quantileOfSorted([1, 2, 3, 4], 0.3)).toBeCloseTo(1.9, 15);
    expect(quantileInPlace(Float64Array.from([4, 1, 3, 2]), 0.3)).toBeCloseTo(1.9, 15);
    expect(quantileInPlace(Float64Array.from([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), 0.01)).toBeCloseTo(1.09, 15);
    expect(quantileInPlace(Float64Array.from([5]), 0.01)).toBe(5);
    expect(quantileInPlace(Float64Array.from([3, 1, 2]), 0)).toBe(1);
    expect(quantileInPlace(Float64Array.from([3, 1, 2]), 1)).toBe(3);
  });

  it('interpolates from the upper end when the weight is >= 0.5, as numpy does', () => {
    expect(numpyLerp(1, 3, 0.25)).toBe(1 + 2 * 0.25);
    expect(numpyLerp(1, 3, 0.75)).toBe(3 - 2 * 0.25);
    expect(numpyLerp(0.1, 0.7, 0.5)).toBe(0.7 - (0.7 - 0.1) * 0.5);
  });

  it('agrees with a sort-based reference on random samples with ties', () => {
    const random = mulberry32(7);
    for (const n of [1, 2, 3, 17, 30, 250, 1001, 20_000]) {
      const values = Array.from({ length: n }, () => Math.round((random() - 0.5) * 200) / 10);
      for (const p of [0, 0.001, 0.01, 0.025, 0.05, 0.5, 0.99, 1]) {
        const expected = naiveQuantile(values, p);
        const actual = quantileInPlace(Float64Array.from(values), p);
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it('selects the k-th order statistic and partitions around it, also on adversarial inputs', () => {
    const random = mulberry32(11);
    const inputs: number[][] = [
      Array.from({ length: 5000 }, () => random()),
      Array.from({ length: 5000 }, (_, i) => i),
      Array.from({ length: 5000 }, (_, i) => -i),
      Array.from({ length: 5000 }, () => 1),
      Array.from({ length: 5000 }, (_, i) => Math.min(i, 4999 - i)), // organ pipe
      Array.from({ length: 5000 }, (_, i) => i % 3),
    ];
    for (const input of inputs) {
      const sorted = [...input].sort((a, b) => a - b);
      for (const k of [0, 1, 49, 2500, 4998, 4999]) {
        const values = Float64Array.from(input);
        expect(selectInPlace(values, k)).toBe(sorted[k]);
        for (let i = 0; i < k; i++) expect(values[i]).toBeLessThanOrEqual(values[k]);
        for (let i = k + 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[k]);
      }
    }
  });

  it('rejects empty samples and probabilities outside [0, 1]', () => {
    expect(() => quantileInPlace(new Float64Array(0), 0.5)).toThrow(RangeError);
    expect(() => quantileInPlace(Float64Array.from([1]), 1.5)).toThrow(RangeError);
    expect(() => selectInPlace(Float64Array.from([1]), 1)).toThrow(RangeError);
  });
});
