/*
 * Sample statistics on row-major Float64Array matrices. A returns matrix holds one asset per row:
 * returns[i * n + t] is the return of asset i on day t (k assets, n observations).
 */

/** Sample covariance (divisor n - 1) of k series of n observations; k x k row-major, symmetric. */
export function sampleCovariance(returns: Float64Array, k: number, n: number): Float64Array {
  if (n < 2) throw new RangeError(`covariance needs at least 2 observations, got ${n}`);
  if (returns.length !== k * n)
    throw new RangeError(`returns has ${returns.length} values, expected ${k}x${n}`);
  // Two-pass algorithm: centre each series on its mean first (numerically stable, unlike E[xy]-E[x]E[y]).
  const centred = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    const row = i * n;
    let sum = 0;
    for (let t = 0; t < n; t++) sum += returns[row + t];
    const mean = sum / n;
    for (let t = 0; t < n; t++) centred[row + t] = returns[row + t] - mean;
  }
  const covariance = new Float64Array(k * k);
  const divisor = n - 1;
  for (let i = 0; i < k; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      let dot = 0;
      for (let t = 0; t < n; t++) dot += centred[rowI + t] * centred[rowJ + t];
      const value = dot / divisor;
      covariance[i * k + j] = value;
      covariance[j * k + i] = value;
    }
  }
  return covariance;
}

/** w' M w for a symmetric k x k matrix M. */
export function quadraticForm(matrix: Float64Array, w: Float64Array): number {
  const k = w.length;
  let total = 0;
  for (let i = 0; i < k; i++) {
    const row = i * k;
    let dot = 0;
    for (let j = 0; j < k; j++) dot += matrix[row + j] * w[j];
    total += w[i] * dot;
  }
  return total;
}

/** sum_ij |w_i| |M_ij| |w_j|: the scale against which rounding in `quadraticForm` is judged. */
export function absoluteQuadraticForm(matrix: Float64Array, w: Float64Array): number {
  const k = w.length;
  let total = 0;
  for (let i = 0; i < k; i++) {
    const row = i * k;
    let dot = 0;
    for (let j = 0; j < k; j++) dot += Math.abs(matrix[row + j] * w[j]);
    total += Math.abs(w[i]) * dot;
  }
  return total;
}

/** Portfolio P&L per observation: pnl[t] = sum_i w_i * returns[i][t]. */
export function portfolioPnl(returns: Float64Array, exposures: Float64Array, n: number): Float64Array {
  const k = exposures.length;
  if (returns.length !== k * n)
    throw new RangeError(`returns has ${returns.length} values, expected ${k}x${n}`);
  const pnl = new Float64Array(n);
  // Asset-major loop: contiguous reads of each series.
  for (let i = 0; i < k; i++) {
    const w = exposures[i];
    const row = i * n;
    for (let t = 0; t < n; t++) pnl[t] += w * returns[row + t];
  }
  return pnl;
}

export function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return false;
  }
  return true;
}
