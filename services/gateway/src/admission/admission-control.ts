import type { JobType } from '@app/contracts';
import type { PlatformMetrics } from '@app/platform';
import { AdmissionRejectedError } from '../http/api-errors';
import type { BacklogMonitor } from './backlog-monitor';

export interface AdmissionLimits {
  /** Highest backlog (messages) at which a job type is still accepted; 0 turns the check off. */
  maxLag: Record<JobType, number>;
  /** A backlog sample older than this is ignored (admission fails open). */
  staleAfterMs: number;
  /** Retry-After when no drain rate is known yet. */
  fallbackRetryAfterSeconds: number;
}

const MAX_RETRY_AFTER_SECONDS = 300;

/**
 * Refuses new work of a job type whose stages are too far behind, using the backlog the monitor
 * sampled in the background (never a Kafka call per request). Without a fresh sample it admits: if
 * Kafka itself is down the publish fails with its own 503, and refusing on stale numbers could keep a
 * type blocked long after its backlog drained.
 */
export class AdmissionControl {
  constructor(
    private readonly monitor: Pick<BacklogMonitor, 'current' | 'noteDemand'>,
    private readonly limits: AdmissionLimits,
    private readonly metrics: PlatformMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws AdmissionRejectedError when `type` is over its limit. */
  assertAdmits(type: JobType): void {
    this.monitor.noteDemand(type);
    const limit = this.limits.maxLag[type];
    if (limit === 0) return;
    const sample = this.monitor.current(type);
    if (!sample || this.now() - sample.sampledAt > this.limits.staleAfterMs) return;
    if (sample.backlog <= limit) return;
    this.metrics.admissionRejections.inc({ type });
    throw new AdmissionRejectedError(
      type,
      sample.backlog,
      limit,
      this.retryAfterSeconds(sample.backlog - limit, sample.drainPerSecond),
    );
  }

  /** Time to drain back under the limit at the recent consumption rate, within 1 s .. 5 min. */
  private retryAfterSeconds(excess: number, drainPerSecond: number | null): number {
    if (drainPerSecond === null || drainPerSecond <= 0) return this.limits.fallbackRetryAfterSeconds;
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(excess / drainPerSecond)));
  }
}
