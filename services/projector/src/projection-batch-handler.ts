import type { DataSource } from 'typeorm';
import {
  deadLetterMessage,
  endSpans,
  jobAttributes,
  SpanKind,
  startSpans,
  type BatchContext,
  type ConsumedEvent,
  type EventBatchHandler,
  type EventPublisher,
  type Logger,
  type PlatformMetrics,
} from '@app/platform';
import { isDatabaseUnavailable } from '@app/read-models';
import { ProjectionTransactions } from './projection-transactions';

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

/** How long a batch that PostgreSQL refuses (the database answers, the statement fails) is retried. */
export interface FailingBatchPolicy {
  /** Transactions of the whole batch before it is split into one transaction per event. */
  batchTries: number;
  /** Transactions of one event before it is dead-lettered as `unprojectable`. */
  eventTries: number;
  /** Wait before the n-th retry: n × this (heartbeating). */
  retryDelayMs: number;
}

const DEFAULT_FAILING_BATCH: FailingBatchPolicy = { batchTries: 3, eventTries: 2, retryDelayMs: 200 };

/** Where the projector sends what it gives up on (the dead-letter topic). */
export type DeadLetterSink = Pick<EventPublisher, 'publishRaw'>;

/**
 * Folds one partition's batch into Postgres in one transaction (shared with the batches of other
 * partitions that arrive meanwhile, see ProjectionTransactions); offsets are committed after it.
 * While PostgreSQL is unreachable the batch waits and retries its transaction (heartbeating, so the
 * group keeps the partition), for as long as the batch is still ours: the projector pauses instead of
 * crash-looping, and resumes where it stopped.
 *
 * Any other failure (PostgreSQL answers but refuses a statement: a value out of range, a timestamp it
 * cannot read, a bug in a fold) is retried `batchTries` times with a short backoff, then the batch is
 * isolated: each event in its own transaction, in batch order (so per-job order holds), and an event
 * that still fails after `eventTries` is dead-lettered as `unprojectable` with the SQLSTATE and message,
 * its original bytes kept for a redrive. The batch then resolves and its offsets are committed: one bad
 * event never stalls its partition. Without a dead-letter sink the failure propagates (redelivery).
 */
export class ProjectionBatchHandler implements EventBatchHandler {
  constructor(
    dataSource: DataSource,
    private readonly logger: Logger,
    private readonly metrics: PlatformMetrics,
    private readonly backoff: UnavailableDatabaseBackoff = DEFAULT_BACKOFF,
    private readonly deadLetters: DeadLetterSink | null = null,
    private readonly failing: FailingBatchPolicy = DEFAULT_FAILING_BATCH,
  ) {
    this.transactions = new ProjectionTransactions(dataSource, metrics);
  }

  /** Shared by every partition's batches: concurrent batches fold in one transaction. */
  private readonly transactions: ProjectionTransactions;

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
      await this.applyUntilDatabaseAnswers(events, context);
      endSpans(spans);
      this.logger.debug({ received: events.length }, 'batch projected');
    } catch (error) {
      endSpans(spans, error);
      throw error;
    }
  }

  private async applyUntilDatabaseAnswers(events: ConsumedEvent[], context: BatchContext): Promise<void> {
    for (let failures = 0; ;) {
      try {
        return await this.applyWhileDatabaseUnavailable(events, context);
      } catch (error) {
        if (this.deadLetters === null || !context.isActive()) throw error;
        failures += 1;
        if (failures >= this.failing.batchTries) {
          this.logger.warn(
            { err: describeFailure(error), tries: failures, events: events.length },
            'batch keeps failing in PostgreSQL; applying its events one at a time',
          );
          return this.applyOneByOne(events, context);
        }
        this.logger.warn(
          { err: describeFailure(error), tries: failures, retryInMs: this.failing.retryDelayMs * failures },
          'batch failed in PostgreSQL; retrying it (offsets not committed)',
        );
        await this.waitHeartbeating(this.failing.retryDelayMs * failures, context);
      }
    }
  }

  /**
   * One transaction per event, in batch order; an event still failing after `eventTries` is
   * dead-lettered (the dead letters are acknowledged by Kafka before the batch resolves).
   */
  private async applyOneByOne(events: ConsumedEvent[], context: BatchContext): Promise<void> {
    const deadLetters: ReturnType<typeof deadLetterMessage>[] = [];
    const groups: string[] = [];
    for (const consumed of events) {
      for (let tries = 1; ; tries++) {
        try {
          await this.applyWhileDatabaseUnavailable([consumed], context);
          break;
        } catch (error) {
          if (!context.isActive()) throw error;
          if (tries < this.failing.eventTries) {
            await this.waitHeartbeating(this.failing.retryDelayMs * tries, context);
            continue;
          }
          const detail = describeFailure(error);
          this.logger.error(
            {
              jobId: consumed.event.jobId,
              eventId: consumed.event.id,
              eventType: consumed.event.type,
              topic: consumed.topic,
              partition: consumed.partition,
              offset: consumed.offset,
              err: detail,
            },
            'event cannot be projected; dead-lettered as unprojectable, the partition moves on',
          );
          deadLetters.push(unprojectableMessage(consumed, detail, tries));
          groups.push(consumed.group ?? 'projector');
          break;
        }
      }
    }
    if (deadLetters.length > 0) {
      await this.deadLetters!.publishRaw(deadLetters);
      for (const group of groups) this.metrics.deadLetters.inc({ group, reason: 'unprojectable' });
    }
  }

  /** Retries the batch's transaction while PostgreSQL is unreachable; throws any other failure. */
  private async applyWhileDatabaseUnavailable(events: ConsumedEvent[], context: BatchContext): Promise<void> {
    let delayMs = this.backoff.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transactions.apply(events);
        if (attempt > 1) this.logger.info({ attempts: attempt }, 'PostgreSQL answers again; batch projected');
        return;
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

/** `SQLSTATE 22007: invalid input syntax for type …` for a PostgreSQL error; the message otherwise. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = sqlState(error);
  return code === null ? message : `SQLSTATE ${code}: ${message}`;
}

function sqlState(error: unknown): string | null {
  // TypeORM's QueryFailedError copies the driver's fields; pg's own error has `code` too.
  for (
    let current = error, depth = 0;
    current !== null && typeof current === 'object' && depth < 4;
    depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    const next = current as { driverError?: unknown; cause?: unknown };
    current = next.driverError ?? next.cause;
  }
  return null;
}

/** The dead-letter message for an event the projector gave up on: its bytes as consumed. */
function unprojectableMessage(consumed: ConsumedEvent, detail: string, attempts: number) {
  return deadLetterMessage(
    {
      topic: consumed.topic,
      partition: consumed.partition,
      offset: consumed.offset,
      key: consumed.key ?? Buffer.from(consumed.event.jobId),
      value: consumed.value ?? Buffer.from(JSON.stringify(consumed.event)),
      headers: consumed.headers,
    },
    consumed.group ?? 'projector',
    'unprojectable',
    detail,
    [],
    { attempts },
  );
}
