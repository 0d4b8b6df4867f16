import { inverseNormalCdf, normalPdf } from './normal-distribution';

/**
 * Acklam's rational approximation (relative error < 1.15e-9): a different algorithm, used as an
 * independent check of AS 241 over the whole range.
 */
function acklam(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number): number =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('normal distribution', () => {
  it.each([
    [0.99, 2.3263478740408408],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.999, 3.090232306167813],
    [0.9, 1.2815515655446004],
  ])('z_%p matches the known quantile to 1e-15', (p, z) => {
    expect(relativeError(inverseNormalCdf(p), z)).toBeLessThanOrEqual(1e-15);
    expect(relativeError(inverseNormalCdf(1 - p), -z)).toBeLessThanOrEqual(1e-14);
  });

  it('is accurate in the far tails', () => {
    expect(relativeError(inverseNormalCdf(1e-10), -6.361340902404056)).toBeLessThanOrEqual(1e-13);
    expect(relativeError(inverseNormalCdf(1e-20), -9.262340089798409)).toBeLessThanOrEqual(1e-13);
  });

  it('agrees with an independent approximation (Acklam) across (0, 1)', () => {
    const ps = [
      1e-300,
      1e-12,
      1e-6,
      0.001,
      0.02,
      0.024,
      0.025,
      0.075,
      0.1,
      0.3,
      0.5 - 1e-9,
      0.6,
      0.925,
      0.99,
      0.9999,
    ];
    for (const p of ps) {
      const z = inverseNormalCdf(p);
      if (p === 0.5) continue;
      expect(relativeError(z, acklam(p))).toBeLessThan(2e-9);
    }
    expect(inverseNormalCdf(0.5)).toBe(0);
  });

  it('is odd and increasing', () => {
    let previous = -Infinity;
    for (let i = 1; i < 1000; i++) {
      const p = i / 1000;
      const z = inverseNormalCdf(p);
      expect(z).toBeGreaterThan(previous);
      expect(Math.abs(z + inverseNormalCdf(1 - p))).toBeLessThan(1e-14 * Math.max(1, Math.abs(z)));
      previous = z;
    }
  });

  it('handles the interval ends', () => {
    expect(inverseNormalCdf(0)).toBe(-Infinity);
    expect(inverseNormalCdf(1)).toBe(Infinity);
    expect(inverseNormalCdf(-0.1)).toBeNaN();
    expect(inverseNormalCdf(NaN)).toBeNaN();
  });

  it('computes the density', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 16);
    expect(relativeError(normalPdf(1), 0.24197072451914337)).toBeLessThan(1e-15);
    expect(normalPdf(-1.3)).toBe(normalPdf(1.3));
  });
});
