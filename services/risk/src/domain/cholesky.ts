import { RiskComputationError } from './risk-computation-error';

/**
 * Result of a pivoted Cholesky factorisation P' A P ~= L L' of a symmetric positive-semidefinite
 * k x k matrix A, truncated at its numerical rank r:
 *  - `permutation[i]` is the original index of the i-th pivot;
 *  - `factor` is k x r row-major: factor[i * r + j] = L[i][j], lower trapezoidal in pivot order, so
 *    A[p_i][p_j] ~= sum_{m<r} L[i][m] L[j][m].
 */
export interface PivotedCholesky {
  factor: Float64Array;
  permutation: Int32Array;
  rank: number;
  size: number;
}

/**
 * PSD-tolerant Cholesky with complete (diagonal) pivoting, as LAPACK dpstrf. At each step the largest
 * remaining diagonal is pivoted in; the factorisation stops when it falls to
 * `k * eps * max(diag A)` (LAPACK's default tolerance). Singular and semidefinite covariances — two
 * identical series, a constant (zero-variance) series, more assets than observations — therefore do
 * not fail: the dependent directions are dropped and L has fewer columns than A has rows. The dropped
 * part of A has Frobenius norm of the order of the tolerance, so w'Aw = |L' P'w|^2 up to rounding.
 *
 * Throws INDEFINITE_COVARIANCE if a remaining diagonal is materially negative, which a sample
 * covariance can only have if its numbers are corrupt; NON_FINITE_RESULT on NaN / infinite entries.
 */
export function pivotedCholesky(matrix: Float64Array, k: number): PivotedCholesky {
  if (matrix.length !== k * k)
    throw new RangeError(`matrix has ${matrix.length} entries, expected ${k}x${k}`);
  const permutation = new Int32Array(k);
  const diagonal = new Float64Array(k); // remaining (Schur complement) diagonal, in pivot order
  let maxDiagonal = 0;
  for (let i = 0; i < k; i++) {
    const value = matrix[i * k + i];
    if (!Number.isFinite(value))
      throw new RiskComputationError('NON_FINITE_RESULT', 'covariance matrix is not finite');
    permutation[i] = i;
    diagonal[i] = value;
    if (value > maxDiagonal) maxDiagonal = value;
  }
  const tolerance = k * Number.EPSILON * maxDiagonal;
  const negativeTolerance = Math.sqrt(Number.EPSILON) * maxDiagonal;
  // Full k x k workspace in pivot order; only the first `rank` columns are returned.
  const work = new Float64Array(k * k);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    let pivot = j;
    for (let i = j + 1; i < k; i++) if (diagonal[i] > diagonal[pivot]) pivot = i;
    if (!(diagonal[pivot] > tolerance)) break;
    if (pivot !== j) {
      swapEntries(permutation, j, pivot);
      swapEntries(diagonal, j, pivot);
      for (let m = 0; m < j; m++) swapEntries(work, j * k + m, pivot * k + m);
    }
    const ljj = Math.sqrt(diagonal[j]);
    work[j * k + j] = ljj;
    const pj = permutation[j];
    for (let i = j + 1; i < k; i++) {
      let s = matrix[permutation[i] * k + pj];
      for (let m = 0; m < j; m++) s -= work[i * k + m] * work[j * k + m];
      const lij = s / ljj;
      work[i * k + j] = lij;
      diagonal[i] -= lij * lij;
    }
    rank = j + 1;
  }
  for (let i = rank; i < k; i++) {
    if (Number.isNaN(diagonal[i]))
      throw new RiskComputationError('NON_FINITE_RESULT', 'covariance matrix is not finite');
    if (diagonal[i] < -negativeTolerance) {
      throw new RiskComputationError(
        'INDEFINITE_COVARIANCE',
        `covariance matrix is not positive semidefinite (pivot ${diagonal[i]} at asset ${permutation[i]})`,
      );
    }
  }
  const factor = new Float64Array(k * rank);
  for (let i = 0; i < k; i++) {
    for (let m = 0; m < rank && m <= i; m++) factor[i * rank + m] = work[i * k + m];
  }
  return { factor, permutation, rank, size: k };
}

/** b = L' P' w (length r): the portfolio's loadings on the r independent factors, so w'Aw = |b|^2. */
export function factorLoadings(cholesky: PivotedCholesky, w: Float64Array): Float64Array {
  const { factor, permutation, rank, size } = cholesky;
  const b = new Float64Array(rank);
  for (let i = 0; i < size; i++) {
    const wi = w[permutation[i]];
    const row = i * rank;
    for (let m = 0; m < rank; m++) b[m] += factor[row + m] * wi;
  }
  return b;
}

function swapEntries(values: Float64Array | Int32Array, a: number, b: number): void {
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
}
