/**
 * A small seeded PRNG (mulberry32) for tests that act at random moments: log the seed, and a failing
 * run can be replayed with it.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** The seed from `variable` when set (to replay a run), else a fresh one. */
  static fromEnv(variable: string): SeededRandom {
    const given = process.env[variable];
    const seed = given === undefined || given === '' ? Math.floor(Math.random() * 2 ** 31) : Number(given);
    if (!Number.isInteger(seed)) throw new Error(`${variable}=${given} is not an integer seed`);
    return new SeededRandom(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}
