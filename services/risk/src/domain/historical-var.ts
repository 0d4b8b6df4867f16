import { RiskComputationError } from './risk-computation-error';
import { allFinite, portfolioPnl } from './statistics';
import { pnlHistogram } from './pnl-histogram';
import { empiricalTailRisk, type SampledTailRisk } from './tail-risk';

/**
 * Historical-simulation VaR / ES: the portfolio is revalued on every observed day,
 * P&L_t = sum_i w_i r_{i,t}; 1-day VaR = -Q(1 - c) (numpy linear quantile), 1-day ES = -mean of the
 * P&L values <= -VaR; both scaled by sqrt(horizonDays) (square-root-of-time rule).
 *
 * @param returns k x n row-major daily simple returns (one asset per row)
 * @param exposures k exposures w_i = quantity_i * price_i
 */
export function historicalVar(
  returns: Float64Array,
  exposures: Float64Array,
  observations: number,
  confidence: number,
  horizonDays: number,
): SampledTailRisk {
  const pnl = portfolioPnl(returns, exposures, observations);
  if (!allFinite(pnl)) throw new RiskComputationError('NON_FINITE_RESULT', 'the historical P&L overflows');
  const oneDay = empiricalTailRisk(pnl, confidence);
  const scale = Math.sqrt(horizonDays);
  return {
    var: oneDay.var * scale,
    expectedShortfall: oneDay.expectedShortfall * scale,
    histogram: pnlHistogram(pnl, scale),
  };
}
