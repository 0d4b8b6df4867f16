/*
 * Sample quantiles with numpy's default ("linear", Hyndman & Fan type 7) definition, computed with a
 * selection algorithm instead of a full sort: O(n) expected instead of O(n log n), which matters for
 * the 10^6-path Monte Carlo sample.
 */

/** Below this size a range is finished with the (numeric) typed-array sort. */
const SMALL_RANGE = 16;

/**
 * Rearranges `values` in place so that `values[k]` is the k-th smallest (0-based) element, everything
 * before it is <= and everything after it is >= (Hoare quickselect, median-of-three pivot). The pivot
 * choice is deterministic; after a bounded number of rounds without convergence (adversarial input) the
 * remaining range is sorted, so the worst case stays O(n log n).
 */
export function selectInPlace(values: Float64Array, k: number): number {
  if (!(k >= 0 && k < values.length)) throw new RangeError(`k=${k} outside 0..${values.length - 1}`);
  let left = 0;
  let right = values.length - 1;
  let rounds = 2 * Math.ceil(Math.log2(values.length + 1)) + 8;
  while (right > left) {
    if (right - left < SMALL_RANGE || rounds-- <= 0) {
      values.subarray(left, right + 1).sort();
      return values[k];
    }
    const mid = left + ((right - left) >> 1);
    // Order values[left] <= values[mid] <= values[right]; the median becomes the pivot.
    if (values[mid] < values[left]) swap(values, mid, left);
    if (values[right] < values[left]) swap(values, right, left);
    if (values[right] < values[mid]) swap(values, right, mid);
    const pivot = values[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    // Now values[left..j] <= pivot, values[i..right] >= pivot and values[j+1..i-1] == pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k];
  }
  return values[k];
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
}

/**
 * numpy's `_lerp`: a + (b - a) * t, evaluated from the upper end when t >= 0.5 so that results are
 * bit-identical to `np.quantile(..., method="linear")`.
 */
export function numpyLerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Position of the p-quantile in the sorted sample: lower index, upper index and interpolation weight. */
export function linearQuantileIndex(n: number, p: number): { lower: number; upper: number; gamma: number } {
  const virtualIndex = (n - 1) * p;
  const lower = Math.min(Math.max(Math.floor(virtualIndex), 0), n - 1);
  const upper = Math.min(lower + 1, n - 1);
  return { lower, upper, gamma: virtualIndex - lower };
}

/** numpy "linear" quantile of an already sorted sample (used as the reference definition). */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  assertQuantileArgs(sorted.length, p);
  const { lower, upper, gamma } = linearQuantileIndex(sorted.length, p);
  return numpyLerp(sorted[lower], sorted[upper], gamma);
}

/**
 * numpy "linear" p-quantile of `values`, reordering `values` in place (pass a copy to keep the
 * original order). Values must be finite.
 */
export function quantileInPlace(values: Float64Array, p: number): number {
  assertQuantileArgs(values.length, p);
  const { lower, upper, gamma } = linearQuantileIndex(values.length, p);
  const below = selectInPlace(values, lower);
  if (upper === lower) return below;
  // After selection everything right of `lower` is >= values[lower]; the next order statistic is their minimum.
  let above = values[upper];
  for (let i = upper + 1; i < values.length; i++) {
    if (values[i] < above) above = values[i];
  }
  return numpyLerp(below, above, gamma);
}

function assertQuantileArgs(n: number, p: number): void {
  if (n === 0) throw new RangeError('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability ${p} outside [0, 1]`);
}
