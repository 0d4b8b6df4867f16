import { inverseNormalCdf, normalPdf } from './normal-distribution';
import { RiskComputationError } from './risk-computation-error';
import { absoluteQuadraticForm, quadraticForm } from './statistics';
import type { TailRisk } from './tail-risk';

/** Relative rounding slack for w'Sw: a slightly negative value within it is a zero variance. */
const VARIANCE_ROUNDING = 1e-12;

/**
 * Portfolio standard deviation sqrt(w' S w). A perfectly hedged book (long and short the same
 * series) has w'Sw = 0 mathematically but may come out as -1e-20 after rounding; such values are
 * clamped to zero. A materially negative value means S is not a covariance matrix.
 */
export function portfolioSigma(covariance: Float64Array, exposures: Float64Array): number {
  const variance = quadraticForm(covariance, exposures);
  if (!Number.isFinite(variance)) {
    throw new RiskComputationError('NON_FINITE_RESULT', "portfolio variance w'Sw is not finite");
  }
  if (variance >= 0) return Math.sqrt(variance);
  if (variance >= -VARIANCE_ROUNDING * absoluteQuadraticForm(covariance, exposures)) return 0;
  throw new RiskComputationError(
    'INDEFINITE_COVARIANCE',
    `portfolio variance w'Sw is negative (${variance})`,
  );
}

/**
 * Variance-covariance (delta-normal) VaR / ES with zero mean: sigma_p = sqrt(w' S w) with S the
 * sample covariance (n - 1) of daily returns;
 *   VaR = z_c sigma_p sqrt(h),  ES = sigma_p sqrt(h) phi(z_c) / (1 - c).
 */
export function parametricVar(
  covariance: Float64Array,
  exposures: Float64Array,
  confidence: number,
  horizonDays: number,
): TailRisk {
  const sigma = portfolioSigma(covariance, exposures) * Math.sqrt(horizonDays);
  const z = inverseNormalCdf(confidence);
  return { var: z * sigma, expectedShortfall: (sigma * normalPdf(z)) / (1 - confidence) };
}
