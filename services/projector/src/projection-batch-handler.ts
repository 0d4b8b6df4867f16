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
import { applyEvents, holdProjectionSwap } from '@app/read-models';

/** Folds one partition's batch into Postgres in one transaction; offsets are committed after it. */
export class ProjectionBatchHandler implements EventBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly metrics: PlatformMetrics,
  ) {}

  async handleBatch(events: ConsumedEvent[], _context: BatchContext): Promise<void> {
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
      const applied = await this.dataSource.transaction(async (manager) => {
        // Shared with other batches; a projection rebuild's swap takes it exclusively, so a batch never
        // runs half against the old read models and half against the new ones.
        await holdProjectionSwap(manager);
        return applyEvents(
          manager,
          events.map((consumed) => ({ ...consumed, traceId: traceIdOf(consumed.headers) })),
        );
      });
      endSpans(spans);
      this.metrics.eventsProjected.inc(applied);
      this.logger.debug({ received: events.length, applied }, 'batch projected');
    } catch (error) {
      endSpans(spans, error);
      throw error;
    }
  }
}
