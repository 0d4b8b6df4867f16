import type { JobType } from '@app/contracts';
import type { Logger, PlatformMetrics } from '@app/platform';
import type { TenantBacklogQueries } from '@app/read-models';
import type { Caller } from '../auth/caller';
import { TenantBacklogShareError } from '../http/api-errors';
import type { BacklogMonitor } from './backlog-monitor';

export interface TenantShareLimits {
  /** Per job type, the admission limit (ADMISSION_MAX_LAG_<TYPE>); 0 turns admission off. */
  maxLag: Record<JobType, number>;
  /** The part of a type's limit one tenant's unfinished jobs may take, 0 < share <= 1 (1: off). */
  share: number;
  /** How old a tenant count may get before it is read again (in the background). */
  refreshMs: number;
  /** A backlog sample older than this is ignored (admission fails open). */
  staleAfterMs: number;
  /** Retry-After when no drain rate is known. */
  fallbackRetryAfterSeconds: number;
}

interface TenantCounts {
  readAt: number;
  unfinished: Map<string, number>;
  /** Jobs this replica admitted since the read (the read model has not folded them yet). */
  admittedSince: Map<string, number>;
}

/**
 * One tenant's burst cannot push another's jobs into 503: while a job type's backlog is over a
 * tenant's share of its admission limit, a tenant whose unfinished jobs of that type (PENDING or
 * RUNNING in the read model, plus what this replica admitted since it read them) reach the share gets
 * 429, and the others are still admitted up to the type's limit. Below that backlog no tenant can be
 * over its share and nothing is read. The counts are read in the background (never on a request's
 * path), at most every `refreshMs` per type; without counts yet, a tenant is admitted (fails open,
 * like admission itself). Admin keys are not limited.
 */
export class TenantBacklogShare {
  private readonly counts = new Map<JobType, TenantCounts>();
  private readonly reading = new Map<JobType, Promise<void>>();

  constructor(
    private readonly monitor: Pick<BacklogMonitor, 'current'>,
    private readonly queries: Pick<TenantBacklogQueries, 'unfinished'>,
    private readonly limits: TenantShareLimits,
    private readonly metrics: PlatformMetrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The most unfinished jobs of `type` one tenant may have while the type's backlog is high. */
  shareOf(type: JobType): number {
    return Math.max(1, Math.floor(this.limits.maxLag[type] * this.limits.share));
  }

  /** Throws TenantBacklogShareError when the caller's tenant is over its share of `type`. */
  assertWithinShare(type: JobType, caller: Caller): void {
    if (caller.role === 'admin' || this.limits.share >= 1 || this.limits.maxLag[type] === 0) return;
    const share = this.shareOf(type);
    const sample = this.monitor.current(type);
    const at = this.now();
    if (!sample || at - sample.sampledAt > this.limits.staleAfterMs || sample.backlog < share) return;
    const counts = this.countsOf(type, at);
    if (counts === undefined) return;
    const unfinished =
      (counts.unfinished.get(caller.tenant) ?? 0) + (counts.admittedSince.get(caller.tenant) ?? 0);
    if (unfinished >= share) {
      this.metrics.admissionRejections.inc({ type });
      const drain = sample.drainPerSecond;
      const retryAfter =
        drain === null || drain <= 0
          ? this.limits.fallbackRetryAfterSeconds
          : Math.min(300, Math.max(1, Math.ceil((unfinished - share + 1) / drain)));
      throw new TenantBacklogShareError(caller.tenant, type, unfinished, share, retryAfter);
    }
    counts.admittedSince.set(caller.tenant, (counts.admittedSince.get(caller.tenant) ?? 0) + 1);
  }

  /** The last counts of `type`; starts a new read when they are older than `refreshMs`. */
  private countsOf(type: JobType, at: number): TenantCounts | undefined {
    const counts = this.counts.get(type);
    if ((counts === undefined || at - counts.readAt >= this.limits.refreshMs) && !this.reading.has(type)) {
      const read = this.queries
        .unfinished(type)
        .then((unfinished) => {
          this.counts.set(type, { readAt: this.now(), unfinished, admittedSince: new Map() });
        })
        .catch((error: unknown) =>
          this.logger.warn({ err: error, type }, 'could not count the tenants’ jobs'),
        )
        .finally(() => this.reading.delete(type));
      this.reading.set(type, read);
    }
    return counts;
  }
}
