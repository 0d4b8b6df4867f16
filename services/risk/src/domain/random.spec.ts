import { NormalGenerator, seedState, splitmix64, Xoshiro128StarStar } from './random';

/** Exposes the state so that published test vectors can be checked. */
class FixedState extends Xoshiro128StarStar {
  constructor(state: [number, number, number, number]) {
    super(0);
    [this.s0, this.s1, this.s2, this.s3] = state;
  }
}

const PHI: [number, number][] = [
  [-3, 0.0013498980316301],
  [-2.3263478740408408, 0.01],
  [-2, 0.0227501319481792],
  [-1, 0.158655253931457],
  [0, 0.5],
  [0.5, 0.691462461274013],
  [1.5, 0.933192798731142],
  [2.5, 0.993790334674224],
  [3.5, 0.999767370920964],
];

describe('random', () => {
  it('implements splitmix64 (reference sequence for seed 1234567)', () => {
    let state = 1234567n;
    const values: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      const step = splitmix64(state);
      state = step.state;
      values.push(step.value);
    }
    expect(values).toEqual([
      6457827717110365317n,
      3203168211198807973n,
      9817491932198370423n,
      4593380528125082431n,
      16408922859458223821n,
    ]);
  });

  it('implements xoshiro128** (reference outputs for state {1, 2, 3, 4})', () => {
    const generator = new FixedState([1, 2, 3, 4]);
    expect(Array.from({ length: 5 }, () => generator.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883,
    ]);
  });

  it('seeds deterministically, for every seed in 0..2^53-1, and rejects other seeds', () => {
    expect(Array.from(seedState(42))).toEqual(Array.from(seedState(42)));
    expect(Array.from(seedState(42))).not.toEqual(Array.from(seedState(43)));
    expect(Array.from(seedState(0)).some((word) => word !== 0)).toBe(true);
    expect(() => seedState(Number.MAX_SAFE_INTEGER)).not.toThrow();
    expect(() => seedState(-1)).toThrow(RangeError);
    expect(() => seedState(1.5)).toThrow(RangeError);
    expect(() => seedState(2 ** 53)).toThrow(RangeError);
  });

  it('produces doubles in [0, 1)', () => {
    const generator = new Xoshiro128StarStar(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = generator.nextDouble();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('gives the same normals for the same seed and different ones for another seed', () => {
    const a = new Float64Array(10_000);
    const b = new Float64Array(10_000);
    const c = new Float64Array(10_000);
    new NormalGenerator(99).fill(a);
    new NormalGenerator(99).fill(b);
    new NormalGenerator(100).fill(c);
    expect(a.every((x, i) => Object.is(x, b[i]))).toBe(true);
    expect(a.some((x, i) => x !== c[i])).toBe(true);
  });

  it('yields one stream whatever the chunking of fill / next calls', () => {
    const whole = new Float64Array(1001);
    new NormalGenerator(5).fill(whole);
    const generator = new NormalGenerator(5);
    const pieces = new Float64Array(1001);
    generator.fill(pieces, 0, 3);
    pieces[3] = generator.next();
    generator.fill(pieces, 4, 500);
    generator.fill(pieces, 500, 500);
    generator.fill(pieces, 500, 1001);
    expect(pieces.every((x, i) => Object.is(x, whole[i]))).toBe(true);
  });

  it('is standard normal: moments, CDF at fixed points, tails beyond the ziggurat base', () => {
    const n = 1_000_000;
    const z = new Float64Array(n);
    new NormalGenerator(2024).fill(z);
    let sum = 0;
    let sum2 = 0;
    let sum4 = 0;
    let beyondBase = 0;
    for (let i = 0; i < n; i++) {
      const x = z[i];
      expect(Number.isFinite(x)).toBe(true);
      sum += x;
      sum2 += x * x;
      sum4 += x * x * x * x;
      if (Math.abs(x) > 3.442619855899) beyondBase++;
    }
    const mean = sum / n;
    const variance = sum2 / n - mean * mean;
    // Tolerances are 5 standard errors of each estimator.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(sum4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    const tail = 2 * 0.000288;
    expect(Math.abs(beyondBase / n - tail)).toBeLessThan(5 * Math.sqrt(tail / n));
    const sorted = Float64Array.from(z).sort();
    for (const [x, p] of PHI) {
      let below = 0;
      while (below < n && sorted[below] <= x) below++;
      expect(Math.abs(below / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
  });
});
