/*
 * `@app/contracts/plain`: the contracts' plain modules (constants, types, pure rules), without the DTO
 * classes, so loading it loads neither class-validator nor reflect-metadata. For worker threads and
 * domain code that must stay light; everything here is also exported from `@app/contracts`.
 */

// Risk jobs: input limits and cross-field rules, methods and result shapes
export { RISK_LIMITS, type RiskInput, type RiskPositionInput } from './jobs/risk/risk-input';
export { findReturnsProblems, hasOwn, returnsPath, summariseProblems } from './jobs/risk/risk-input-rules';
export {
  PNL_HISTOGRAM_BINS,
  RISK_METHODS,
  type PnlHistogram,
  type RiskErrorCode,
  type RiskMethod,
  type RiskPositionResult,
  type RiskResult,
} from './jobs/risk/risk-result';

// Scrape jobs
export type { ScrapeErrorCode, ScrapeInput, ScrapeResult } from './jobs/scrape';

// Document jobs: page classes and accepted media types
export { SHEET_LABELS } from './jobs/document/sheet-labels';
export { detectMediaType, SUPPORTED_MEDIA_TYPES, type MediaType } from './jobs/document/media-type';
