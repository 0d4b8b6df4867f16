export { RISK_LIMITS } from './risk-input';
export type { RiskInput, RiskPositionInput } from './risk-input';
export { findReturnsProblems, returnsPath, summariseProblems } from './risk-input-rules';
export { PNL_HISTOGRAM_BINS, RISK_METHODS } from './risk-result';
export type { PnlHistogram, RiskErrorCode, RiskMethod, RiskPositionResult, RiskResult } from './risk-result';
export {
  OnlyForMethodConstraint,
  ReturnsMatchPositionsConstraint,
  RiskInputDto,
  RiskPositionDto,
} from './risk-input.dto';
export { PnlHistogramDto, RiskPositionResultDto, RiskResultDto } from './risk-result.dto';
