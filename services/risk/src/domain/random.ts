/*
 * Seeded, reproducible random numbers: xoshiro128** (Blackman & Vigna) for uniforms, the ziggurat
 * method for normals. Only 32-bit integer operations (Math.imul, shifts) run per draw, which V8
 * compiles to plain machine instructions; 64-bit BigInt arithmetic is used for seeding only.
 *
 * Determinism: the output depends only on the seed. Integer steps are exact; the ziggurat's fast path
 * is one multiplication, and its rare slow path and table set-up use Math.exp / Math.log / Math.sqrt
 * (sqrt is correctly rounded by IEEE 754; exp and log are V8's fdlibm ports, identical on every
 * platform). Identical bits are therefore guaranteed for
 * the same Node.js major version; ECMAScript itself does not pin Math.log's last bit.
 */

const MASK_64 = (1n << 64n) - 1n;
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
const TWO_POW_26 = 67108864;

/** One step of splitmix64 (Steele, Lea & Flood), the recommended seeder for the xoshiro family. */
export function splitmix64(state: bigint): { state: bigint; value: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK_64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return { state: next, value: z ^ (z >> 31n) };
}

/** Expands a seed (integer 0..2^53-1) into a non-zero 128-bit xoshiro128 state via splitmix64. */
export function seedState(seed: number): Int32Array {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be an integer 0..2^53-1, got ${seed}`);
  const state = new Int32Array(4);
  let s = BigInt(seed);
  for (let i = 0; i < 4; i += 2) {
    const step = splitmix64(s);
    s = step.state;
    state[i] = Number(step.value & 0xffffffffn) | 0;
    state[i + 1] = Number(step.value >> 32n) | 0;
  }
  // splitmix64 outputs are a bijection of distinct counters, so an all-zero state cannot occur; guard anyway.
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return state;
}

/** xoshiro128** 1.1: period 2^128 - 1, 32-bit outputs. */
export class Xoshiro128StarStar {
  protected s0: number;
  protected s1: number;
  protected s2: number;
  protected s3: number;

  constructor(seed: number) {
    const state = seedState(seed);
    this.s0 = state[0];
    this.s1 = state[1];
    this.s2 = state[2];
    this.s3 = state[3];
  }

  /** Next output as a signed 32-bit integer. */
  nextInt32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Next output as an unsigned 32-bit integer. */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits (two outputs). */
  nextDouble(): number {
    const hi = this.nextInt32() >>> 5;
    const lo = this.nextInt32() >>> 6;
    return (hi * TWO_POW_26 + lo) * TWO_POW_MINUS_53;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/*
 * Ziggurat tables (Marsaglia & Tsang 2000, in Doornik's 2005 "ZIGNOR" formulation, which draws the
 * layer index and the uniform from independent bits). 128 layers of equal area V; the base layer
 * (index 0) includes the tail beyond R. ZIG_X[i] is the right edge of layer i, ZIG_RATIO[i] =
 * ZIG_X[i + 1] / ZIG_X[i] is the fraction of the layer that lies entirely under the density.
 */
const ZIG_LAYERS = 128;
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const ZIG_X = new Float64Array(ZIG_LAYERS + 1);
const ZIG_RATIO = new Float64Array(ZIG_LAYERS);
{
  let f = Math.exp(-0.5 * ZIG_R * ZIG_R);
  ZIG_X[0] = ZIG_V / f;
  ZIG_X[1] = ZIG_R;
  ZIG_X[ZIG_LAYERS] = 0;
  for (let i = 2; i < ZIG_LAYERS; i++) {
    ZIG_X[i] = Math.sqrt(-2 * Math.log(ZIG_V / ZIG_X[i - 1] + f));
    f = Math.exp(-0.5 * ZIG_X[i] * ZIG_X[i]);
  }
  for (let i = 0; i < ZIG_LAYERS; i++) ZIG_RATIO[i] = ZIG_X[i + 1] / ZIG_X[i];
}
const TWO_POW_28 = 268435456;
const TWO_POW_MINUS_52 = 2 / 9007199254740992;

/**
 * Standard normal variates from xoshiro128** by the ziggurat method. Each attempt takes two 32-bit
 * outputs (a 64-bit draw, like numpy's ziggurat): 7 bits pick the layer and 53 other bits form a
 * symmetric uniform u in (-1, 1) with 2^-52 resolution. In ~98.8% of attempts
 * |u| < ZIG_RATIO[layer] and the normal is just u * ZIG_X[layer] — no log, exp or sqrt. The rest go
 * through the exact wedge / tail tests (exp, log; Marsaglia's tail algorithm), so the output is exactly
 * normal up to floating-point resolution.
 *
 * Chosen over Box-Muller / Marsaglia polar (which need a log and a sqrt per pair and ~2.5 outputs per
 * normal) because normal generation dominates the Monte Carlo cost; see tools/bench.
 *
 * No state besides the generator's: fill(a) then fill(b) yields exactly the values of one fill(a ++ b).
 */
export class NormalGenerator extends Xoshiro128StarStar {
  private readonly single = new Float64Array(1);

  /** One normal (convenience; bulk users should call `fill`). */
  next(): number {
    this.fill(this.single);
    return this.single[0];
  }

  /** Writes normals into out[from..to) (defaults: the whole array). No allocation. */
  fill(out: Float64Array, from = 0, to: number = out.length): void {
    // The generator state lives in locals for the hot loop (xoshiro128** steps inlined) and is synced
    // with the fields only around the rare slow path and at the end.
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    let i = from;
    while (i < to) {
      const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const b = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const layer = a & (ZIG_LAYERS - 1);
      // (a >> 7) is a signed 25-bit integer, (b >>> 4) 28 more bits: k in [-2^52, 2^52), u = (k + 1/2) 2^-52.
      const u = ((a >> 7) * TWO_POW_28 + (b >>> 4) + 0.5) * TWO_POW_MINUS_52;
      if (Math.abs(u) < ZIG_RATIO[layer]) {
        out[i++] = u * ZIG_X[layer];
        continue;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      const x = this.slowPath(layer, u);
      s0 = this.s0;
      s1 = this.s1;
      s2 = this.s2;
      s3 = this.s3;
      if (x === x) out[i++] = x; // NaN = rejected, draw again
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Uniform in the open interval (0, 1) with 53 bits, safe for log. */
  private nextOpenDouble(): number {
    const hi = this.nextInt32() >>> 5;
    const lo = this.nextInt32() >>> 6;
    return (hi * TWO_POW_26 + lo + 0.5) * TWO_POW_MINUS_53;
  }

  /** Base layer: a tail sample beyond R; other layers: the wedge test. NaN when rejected. */
  private slowPath(layer: number, u: number): number {
    if (layer === 0) {
      // Marsaglia (1964): exact sampling of the normal tail beyond R.
      let x: number;
      let y: number;
      do {
        x = Math.log(this.nextOpenDouble()) / ZIG_R;
        y = Math.log(this.nextOpenDouble());
      } while (-2 * y < x * x);
      return u < 0 ? x - ZIG_R : ZIG_R - x;
    }
    const x = u * ZIG_X[layer];
    const xx = x * x;
    const f0 = Math.exp(-0.5 * (ZIG_X[layer] * ZIG_X[layer] - xx));
    const f1 = Math.exp(-0.5 * (ZIG_X[layer + 1] * ZIG_X[layer + 1] - xx));
    return f1 + this.nextOpenDouble() * (f0 - f1) < 1 ? x : NaN;
  }
}
