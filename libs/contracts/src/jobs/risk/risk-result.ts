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

/** Bins of `RiskResult.pnlHistogram`. */
export const PNL_HISTOGRAM_BINS = 40;

/**
 * The simulated P&L as a histogram of equal-width bins over [min, max] of the sample: `counts[i]`
 * values fell in `[edges[i], edges[i + 1])` (the last bin includes its upper edge), so
 * `edges.length === counts.length + 1` and the counts add up to the sample size. On the horizon's
 * scale, like `var` (historical P&L are scaled by sqrt(horizonDays) as VaR is). A sample of one value
 * gets the bins around it on [value - 0.5, value + 0.5].
 */
export interface PnlHistogram {
  edges: number[];
  counts: number[];
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
  /**
   * The P&L sample's histogram (historical: the revalued days; monte_carlo: the simulated paths), with
   * PNL_HISTOGRAM_BINS bins; `null` for parametric (no sample). Absent from results computed before it
   * was added.
   */
  pnlHistogram?: PnlHistogram | null;
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
