import type { RiskInput } from '@app/contracts';

/**
 * Independent naive references for the risk domain: plain arrays, full sorts, textbook formulas. The
 * unit tests check the fast implementation against them, and the risk benchmark times them as "what a
 * first straightforward implementation would cost". Not used by the service itself.
 */

export interface TailNumbers {
  var: number;
  expectedShortfall: number;
}

/** mulberry32: a tiny deterministic 32-bit PRNG, independent of the domain's generator. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Full sort, then h = (n - 1) p and linear interpolation (numpy's "linear" method). */
export function naiveQuantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Position values (quantity x price) and each position's return series, in position order. */
export function naiveExposures(input: RiskInput): { w: number[]; series: number[][] } {
  return {
    w: input.positions.map((p) => p.quantity * p.price),
    series: input.positions.map((p) => input.returns[p.symbol]),
  };
}

/** Sample covariance matrix (n - 1) of the series. */
export function naiveCovariance(series: number[][]): number[][] {
  const n = series[0].length;
  const means = series.map((s) => s.reduce((a, b) => a + b, 0) / n);
  return series.map((si, i) =>
    series.map((sj, j) => si.reduce((acc, x, t) => acc + (x - means[i]) * (sj[t] - means[j]), 0) / (n - 1)),
  );
}

/** VaR and expected shortfall of a P&L sample at `confidence`. */
export function naiveTail(pnl: number[], confidence: number): TailNumbers {
  const q = naiveQuantile(pnl, 1 - confidence);
  const tail = pnl.filter((x) => x <= q);
  return { var: -q, expectedShortfall: -tail.reduce((a, b) => a + b, 0) / tail.length };
}

export function naiveHistorical(input: RiskInput): TailNumbers {
  const { w, series } = naiveExposures(input);
  const pnl = series[0].map((_, t) => series.reduce((acc, s, i) => acc + w[i] * s[t], 0));
  const tail = naiveTail(pnl, input.confidence);
  const scale = Math.sqrt(input.horizonDays);
  return { var: tail.var * scale, expectedShortfall: tail.expectedShortfall * scale };
}

/** Delta-normal VaR with the normal quantile `z` of the confidence given by the caller. */
export function naiveParametric(input: RiskInput, z: number): TailNumbers {
  const { w, series } = naiveExposures(input);
  const cov = naiveCovariance(series);
  const variance = w.reduce((acc, wi, i) => acc + wi * cov[i].reduce((a, c, j) => a + c * w[j], 0), 0);
  const sigma = Math.sqrt(Math.max(variance, 0) * input.horizonDays);
  const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  return { var: z * sigma, expectedShortfall: (sigma * phi) / (1 - input.confidence) };
}

/** Monte Carlo with a textbook (unpivoted) Cholesky and Box-Muller normals; full-rank data only. */
export function naiveMonteCarlo(input: RiskInput): TailNumbers {
  const { w, series } = naiveExposures(input);
  const cov = naiveCovariance(series).map((row) => row.map((x) => x * input.horizonDays));
  const k = w.length;
  const L: number[][] = cov.map(() => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i][j];
      for (let m = 0; m < j; m++) s -= L[i][m] * L[j][m];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const uniform = mulberry32(input.seed ?? 1);
  const pnl: number[] = [];
  for (let path = 0; path < (input.simulations ?? 0); path++) {
    const z: number[] = [];
    for (let j = 0; j < k; j++) {
      z.push(Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()));
    }
    const x = L.map((row) => row.reduce((acc, l, j) => acc + l * z[j], 0));
    pnl.push(x.reduce((acc, xi, i) => acc + xi * w[i], 0));
  }
  return naiveTail(pnl, input.confidence);
}
