import type { RiskMethod } from './risk-result';

/** Limits of the `risk` job input; shared by the gateway validation and the calculator. */
export const RISK_LIMITS = {
  /** Confidence level c must satisfy minConfidence < c < maxConfidence (both exclusive). */
  minConfidence: 0.5,
  maxConfidence: 1,
  minHorizonDays: 1,
  maxHorizonDays: 260,
  minPositions: 1,
  maxPositions: 500,
  maxSymbolLength: 64,
  minObservations: 30,
  /**
   * Not part of the issue text: a guard against unbounded payloads (about 40 years of daily data).
   * Covariance cost is O(k^2 * n), so 500 series x 10,000 points is still well under a second.
   */
  maxObservations: 10_000,
  minSimulations: 1_000,
  maxSimulations: 1_000_000,
  defaultSimulations: 100_000,
  /**
   * Seeds are integers 0..2^53-1 (every value JSON can carry exactly). The default seed derived from
   * the job id uses 32 bits of it.
   */
  minSeed: 0,
  maxSeed: Number.MAX_SAFE_INTEGER,
} as const;

export interface RiskPositionInput {
  symbol: string;
  /** Units held; negative for a short position. */
  quantity: number;
  /** Price per unit, > 0. */
  price: number;
}

/** Input of a `risk` job, as accepted by `POST /jobs` (validated by `RiskInputDto`). */
export interface RiskInput {
  method: RiskMethod;
  confidence: number;
  horizonDays: number;
  positions: RiskPositionInput[];
  /** Daily simple returns per symbol; one equal-length series for every position's symbol. */
  returns: Record<string, number[]>;
  /** monte_carlo only; default `RISK_LIMITS.defaultSimulations`. */
  simulations?: number;
  /** monte_carlo only; default derived from the job id. */
  seed?: number;
}
