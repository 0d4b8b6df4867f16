import { PNL_HISTOGRAM_BINS, type PnlHistogram } from '@app/contracts/plain';

/**
 * The histogram of a P&L sample: `bins` equal-width bins over [min, max] of the sample, each value
 * times `scale` (historical P&L are 1-day and scaled like their VaR). A value falls in
 * `[edges[i], edges[i + 1])`, the largest in the last bin. A sample of one distinct value is binned on
 * [value - 0.5, value + 0.5]. Pure and order-independent: the same sample gives the same histogram.
 * Null for an empty sample or one holding a non-finite value.
 */
export function pnlHistogram(pnl: Float64Array, scale = 1, bins = PNL_HISTOGRAM_BINS): PnlHistogram | null {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`bins=${bins}`);
  const n = pnl.length;
  if (n === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = pnl[i] * scale;
    if (!Number.isFinite(x)) return null;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  let low = min;
  let high = max;
  if (!(high > low)) {
    low = min - 0.5;
    high = max + 0.5;
  }
  const width = (high - low) / bins;
  if (!(width > 0 && Number.isFinite(width))) return null;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const bin = Math.floor((pnl[i] * scale - low) / width);
    // Every value is finite (checked above); the maximum lands on `bins`: the last bin.
    counts[bin < 0 ? 0 : bin >= bins ? bins - 1 : bin] += 1;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  return { edges, counts };
}
