import { factorLoadings, pivotedCholesky } from './cholesky';
import { RiskComputationError } from './risk-computation-error';
import { quadraticForm } from './statistics';

/** A = L L' with L given as rows; returns the k x k row-major product. */
function gram(rows: number[][]): Float64Array {
  const k = rows.length;
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      a[i * k + j] = rows[i].reduce((s, x, m) => s + x * rows[j][m], 0);
    }
  }
  return a;
}

function expectReconstructs(matrix: Float64Array, k: number, tolerance: number): number {
  const { factor, permutation, rank } = pivotedCholesky(matrix, k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < rank; m++) s += factor[i * rank + m] * factor[j * rank + m];
      expect(Math.abs(s - matrix[permutation[i] * k + permutation[j]])).toBeLessThanOrEqual(tolerance);
    }
  }
  return rank;
}

function expectError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(RiskComputationError);
    expect((error as RiskComputationError).code).toBe(code);
    return;
  }
  throw new Error('expected an error');
}

describe('pivotedCholesky', () => {
  it('factorises a positive definite matrix completely', () => {
    const a = gram([
      [2, 0, 0],
      [0.5, 1, 0],
      [-0.3, 0.2, 0.7],
    ]);
    expect(expectReconstructs(a, 3, 1e-15)).toBe(3);
  });

  it("tolerates a rank-deficient matrix (identical series) and keeps w'Aw", () => {
    // Assets 0 and 2 are the same series: A has rank 2.
    const a = gram([
      [0.01, 0, 0],
      [0.004, 0.008, 0],
      [0.01, 0, 0],
    ]);
    expect(expectReconstructs(a, 3, 1e-18)).toBe(2);
    const w = Float64Array.from([100, -40, 250]);
    const b = factorLoadings(pivotedCholesky(a, 3), w);
    expect(b.length).toBe(2);
    const bb = b.reduce((s, x) => s + x * x, 0);
    expect(Math.abs(bb - quadraticForm(a, w)) / quadraticForm(a, w)).toBeLessThan(1e-12);
  });

  it('drops zero-variance assets and handles the zero matrix', () => {
    const a = Float64Array.from([4, 0, 2, 0, 0, 0, 2, 0, 5]);
    expect(expectReconstructs(a, 3, 1e-15)).toBe(2);
    const zero = pivotedCholesky(new Float64Array(9), 3);
    expect(zero.rank).toBe(0);
    expect(factorLoadings(zero, Float64Array.from([1, 2, 3])).length).toBe(0);
  });

  it('rejects an indefinite matrix and non-finite entries with codes', () => {
    expectError(() => pivotedCholesky(Float64Array.from([1, 2, 2, 1]), 2), 'INDEFINITE_COVARIANCE');
    expectError(() => pivotedCholesky(Float64Array.from([-1]), 1), 'INDEFINITE_COVARIANCE');
    expectError(() => pivotedCholesky(Float64Array.from([NaN, 0, 0, 1]), 2), 'NON_FINITE_RESULT');
  });
});
