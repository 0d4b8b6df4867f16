import { factorLoadings, pivotedCholesky } from './cholesky';
import { NormalGenerator } from './random';
import { RiskComputationError } from './risk-computation-error';
import { allFinite } from './statistics';
import { pnlHistogram } from './pnl-histogram';
import { empiricalTailRisk, type SampledTailRisk } from './tail-risk';

/** Normals generated per block: fits in L1/L2 cache, amortises the generator call. */
const BLOCK_NORMALS = 8192;

export interface MonteCarloOptions {
  confidence: number;
  horizonDays: number;
  simulations: number;
  seed: number;
}

/**
 * Monte Carlo VaR / ES: h-day returns ~ N(0, h S); VaR and ES are read off the simulated P&L exactly
 * as for historical simulation (numpy linear quantile, mean of the tail).
 *
 * Speed trick: with S = L L' (pivoted, rank r <= k) the correlated returns of a path are x = L z with
 * z ~ N(0, I_r), and its P&L is w'x = (L'w)'z. So b = sqrt(h) L' P'w is computed once and each path
 * needs only the dot product of r fresh normals with b — O(paths * r) instead of O(paths * k^2), and
 * the correlated vector x is never materialised. Normals are produced in blocks into one reusable
 * Float64Array; the only allocations are that block, the P&L sample and its selection copy.
 *
 * Singular / semidefinite covariances are handled by the pivoted Cholesky (dependent directions
 * dropped, see cholesky.ts); a zero-rank covariance gives an all-zero P&L (VaR = ES = 0).
 *
 * Same covariance, exposures and options => bit-identical result: the normal stream depends only on
 * the seed and is consumed in path order, whatever the block size.
 */
export function monteCarloVar(
  covariance: Float64Array,
  exposures: Float64Array,
  options: MonteCarloOptions,
): SampledTailRisk {
  const { confidence, horizonDays, simulations, seed } = options;
  if (!(Number.isInteger(simulations) && simulations >= 1))
    throw new RangeError(`simulations=${simulations}`);
  const k = exposures.length;
  const cholesky = pivotedCholesky(covariance, k);
  const b = factorLoadings(cholesky, exposures);
  const scale = Math.sqrt(horizonDays);
  for (let m = 0; m < b.length; m++) b[m] *= scale;
  if (!allFinite(b)) throw new RiskComputationError('NON_FINITE_RESULT', "the factor loadings L'w overflow");
  const pnl = simulatePnl(b, simulations, seed);
  return { ...empiricalTailRisk(pnl, confidence), histogram: pnlHistogram(pnl) };
}

/** pnl[p] = sum_m z[p][m] * b[m] for `paths` paths of iid standard normals z. */
export function simulatePnl(b: Float64Array, paths: number, seed: number): Float64Array {
  const pnl = new Float64Array(paths);
  const r = b.length;
  if (r === 0) return pnl;
  const generator = new NormalGenerator(seed);
  const pathsPerBlock = Math.max(1, Math.floor(BLOCK_NORMALS / r));
  const z = new Float64Array(pathsPerBlock * r);
  for (let start = 0; start < paths; start += pathsPerBlock) {
    const count = Math.min(pathsPerBlock, paths - start);
    generator.fill(z, 0, count * r);
    for (let p = 0, offset = 0; p < count; p++, offset += r) {
      let sum = 0;
      for (let m = 0; m < r; m++) sum += z[offset + m] * b[m];
      pnl[start + p] = sum;
    }
  }
  return pnl;
}
