import type { DataSource } from 'typeorm';
import {
  endSpans,
  jobAttributes,
  SpanKind,
  startSpans,
  traceIdOf,
  type BatchContext,
  type ConsumedEvent,
  type EventBatchHandler,
  type Logger,
  type PlatformMetrics,
} from '@app/platform';
import { applyEvents, holdProjectionSwap, isDatabaseUnavailable } from '@app/read-models';

export interface UnavailableDatabaseBackoff {
  /** First wait after PostgreSQL was found unreachable; doubles per try. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** The consumer group must hear from us within its session timeout while we wait. */
  heartbeatEveryMs: number;
}

const DEFAULT_BACKOFF: UnavailableDatabaseBackoff = {
  initialDelayMs: 250,
  maxDelayMs: 5000,
  heartbeatEveryMs: 1000,
};

/**
 * Folds one partition's batch into Postgres in one transaction; offsets are committed after it.
 * While PostgreSQL is unreachable the batch waits and retries its transaction (heartbeating, so the
 * group keeps the partition), for as long as the batch is still ours: the projector pauses instead of
 * crash-looping, and resumes where it stopped. Any other failure propagates and the batch is redelivered.
 */
export class ProjectionBatchHandler implements EventBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly metrics: PlatformMetrics,
    private readonly backoff: UnavailableDatabaseBackoff = DEFAULT_BACKOFF,
  ) {}

  async handleBatch(events: ConsumedEvent[], context: BatchContext): Promise<void> {
    // One "apply" span per event, child of the event's producer span (so each job stays one trace),
    // covering the batch's transaction.
    const spans = startSpans(
      'projector apply',
      events.map((consumed) => ({
        parent: consumed.traceContext,
        attributes: jobAttributes(consumed.event),
      })),
      SpanKind.CONSUMER,
    );
    try {
      const applied = await this.applyUntilDatabaseAnswers(events, context);
      endSpans(spans);
      this.metrics.eventsProjected.inc(applied);
      this.logger.debug({ received: events.length, applied }, 'batch projected');
    } catch (error) {
      endSpans(spans, error);
      throw error;
    }
  }

  private async applyUntilDatabaseAnswers(events: ConsumedEvent[], context: BatchContext): Promise<number> {
    let delayMs = this.backoff.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.applyInOneTransaction(events);
        if (attempt > 1) this.logger.info({ attempts: attempt }, 'PostgreSQL answers again; batch projected');
        return applied;
      } catch (error) {
        if (!isDatabaseUnavailable(error) || !context.isActive()) throw error;
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error), attempt, retryInMs: delayMs },
          'PostgreSQL unavailable; the batch waits and retries (offsets not committed)',
        );
        await this.waitHeartbeating(delayMs, context);
        delayMs = Math.min(delayMs * 2, this.backoff.maxDelayMs);
      }
    }
  }

  private applyInOneTransaction(events: ConsumedEvent[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Shared with other batches; a projection rebuild's swap takes it exclusively, so a batch never
      // runs half against the old read models and half against the new ones.
      await holdProjectionSwap(manager);
      return applyEvents(
        manager,
        events.map((consumed) => ({ ...consumed, traceId: traceIdOf(consumed.headers) })),
      );
    });
  }

  /** Sleeps `ms`, heartbeating meanwhile; throws once the batch is no longer ours (stop, rebalance). */
  private async waitHeartbeating(ms: number, context: BatchContext): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0; left = until - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, this.backoff.heartbeatEveryMs)));
      if (!context.isActive()) throw new Error('batch revoked while waiting for PostgreSQL');
      await context.heartbeat();
    }
  }
}
