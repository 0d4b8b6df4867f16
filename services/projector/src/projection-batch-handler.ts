import type { DataSource } from 'typeorm';
import type { BatchContext, ConsumedEvent, EventBatchHandler, Logger } from '@app/platform';
import { applyEvents } from '@app/read-models';

/** Folds one partition's batch into Postgres in one transaction; offsets are committed after it. */
export class ProjectionBatchHandler implements EventBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  async handleBatch(events: ConsumedEvent[], _context: BatchContext): Promise<void> {
    const applied = await this.dataSource.transaction((manager) => applyEvents(manager, events));
    this.logger.debug({ received: events.length, applied }, 'batch projected');
  }
}
