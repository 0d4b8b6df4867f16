/** Value-at-Risk methods a `risk` job can use. */
export const RISK_METHODS = ['historical', 'parametric', 'monte_carlo'] as const;

export type RiskMethod = (typeof RISK_METHODS)[number];

/** One input position as echoed in the result. */
export interface RiskPositionResult {
  symbol: string;
  /** `quantity * price` (negative for a short position). */
  exposure: number;
  /**
   * `exposure / portfolioValue`. `null` when the net portfolio value is (numerically) zero, e.g. a
   * fully hedged long/short book, where a net weight is undefined.
   */
  weight: number | null;
}

/**
 * Result of a successful `risk` job (stored in the read model and returned by `GET /jobs/{id}`).
 * VaR and expected shortfall are positive numbers for a loss, in the currency of `price`, over
 * `horizonDays` days.
 */
export interface RiskResult {
  method: RiskMethod;
  confidence: number;
  horizonDays: number;
  /** Sum of the exposures. */
  portfolioValue: number;
  var: number;
  expectedShortfall: number;
  /** Number of daily return observations per series that went into the estimate. */
  observations: number;
  /** Number of simulated paths (monte_carlo only, otherwise `null`). */
  simulations: number | null;
  /** PRNG seed actually used (monte_carlo only, otherwise `null`); replaying with it gives identical numbers. */
  seed: number | null;
  positions: RiskPositionResult[];
  /** Wall-clock compute time inside the worker. The only field that is not reproducible. */
  durationMs: number;
}

/**
 * Failure codes a risk job can end with (`error.code` of a FAILED job). Input that passed the gateway
 * validation can still fail numerically:
 *  - INVALID_INPUT: the request reached the calculator without satisfying the contract (e.g. an event
 *    replayed from a producer that skipped validation); the message says which rule.
 *  - NON_FINITE_EXPOSURE: `quantity * price` or their sum overflows to +-Infinity.
 *  - NON_FINITE_RESULT: an intermediate or final number (P&L, covariance, VaR, ES) is not finite,
 *    typically because of extreme magnitudes (e.g. returns of 1e300).
 *  - INDEFINITE_COVARIANCE: the covariance matrix has a materially negative pivot. A sample covariance
 *    cannot, so this signals corrupted numbers rather than bad luck.
 */
export type RiskErrorCode =
  'INVALID_INPUT' | 'NON_FINITE_EXPOSURE' | 'NON_FINITE_RESULT' | 'INDEFINITE_COVARIANCE';
