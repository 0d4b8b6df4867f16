/** Exponential backoff with jitter: attempt n waits base * 2^(n-1), spread by +/- jitter. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Fraction of the delay added or removed at random (0..1), so retries of many jobs spread out. */
  jitter: number;
}

export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseDelayMs * 2 ** (failedAttempt - 1);
  const spread = exponential * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(exponential + spread));
}
