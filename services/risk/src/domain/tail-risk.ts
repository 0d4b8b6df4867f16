import type { PnlHistogram } from '@app/contracts/plain';
import { quantileInPlace } from './quantile';

/** VaR and expected shortfall of a P&L sample, as positive numbers for a loss, before horizon scaling. */
export interface TailRisk {
  var: number;
  expectedShortfall: number;
}

/** Tail risk read off a P&L sample, with the sample's histogram (null when it cannot be binned). */
export interface SampledTailRisk extends TailRisk {
  histogram: PnlHistogram | null;
}

/**
 * Empirical tail risk of a P&L sample (historical scenarios or simulated paths):
 * VaR = -Q(1 - c) with numpy's linear quantile; ES = -mean of the P&L values <= -VaR.
 *
 * `pnl` is left untouched: the quantile is selected on `scratch` (a copy; pass a reusable buffer of at
 * least pnl.length to avoid the allocation), and the tail mean is summed over `pnl` in its original
 * order, so ES does not depend on how the selection rearranged the copy.
 */
export function empiricalTailRisk(pnl: Float64Array, confidence: number, scratch?: Float64Array): TailRisk {
  const n = pnl.length;
  const copy = scratch !== undefined && scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n);
  copy.set(pnl);
  const q = quantileInPlace(copy, 1 - confidence);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = pnl[i];
    if (x <= q) {
      sum += x;
      count++;
    }
  }
  // count >= 1: the smallest value is always <= the interpolated quantile.
  return { var: -q, expectedShortfall: -(sum / count) };
}
