import type { DataSource } from 'typeorm';
import { GroupCommit, traceIdOf, type ConsumedEvent, type PlatformMetrics } from '@app/platform';
import { applyEvents, holdProjectionSwap, notifyJobChanges } from '@app/read-models';

/** Batches of up to 1,000 events each: a catch-up transaction stays a few tens of thousands of events. */
const MAX_BATCHES_PER_TRANSACTION = 32;

/**
 * One PostgreSQL transaction for the batches of several partitions. KafkaJS hands the projector one
 * batch per partition, and at a moderate rate most hold an event or two: a transaction each (one WAL
 * flush, a dozen statements) cost more than the events in it. Batches submitted while a transaction
 * runs are folded together by the next one (group commit), each caller's promise settling after the
 * transaction that held its batch committed, so offsets are still committed only after their events.
 * If a merged transaction fails, each batch is retried in a transaction of its own, so a bad batch
 * fails only its own caller (which then isolates the bad event).
 */
export class ProjectionTransactions {
  private readonly commits: GroupCommit<ConsumedEvent[]>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: PlatformMetrics,
  ) {
    this.commits = new GroupCommit(
      (batches) => this.applyInOneTransaction(batches.flat()),
      // One partition's batches never share a transaction (the next waits for the previous one).
      (batch) => (batch.length === 0 ? '' : `${batch[0].topic}:${batch[0].partition}`),
      MAX_BATCHES_PER_TRANSACTION,
    );
  }

  /** Resolves once the batch's events are committed in PostgreSQL (folded, or found already applied). */
  apply(events: ConsumedEvent[]): Promise<void> {
    return this.commits.submit(events);
  }

  private async applyInOneTransaction(events: ConsumedEvent[]): Promise<void> {
    const applied = await this.dataSource.transaction(async (manager) => {
      // Shared with other batches; a projection rebuild's swap takes it exclusively, so a batch never
      // runs half against the old read models and half against the new ones.
      await holdProjectionSwap(manager);
      const folded = await applyEvents(
        manager,
        events.map((consumed) => ({ ...consumed, traceId: traceIdOf(consumed.headers) })),
      );
      // Delivered on commit, in commit order: live streams read only what this transaction committed.
      if (folded > 0)
        await notifyJobChanges(
          manager,
          events.map((consumed) => consumed.event.jobId),
        );
      return folded;
    });
    this.metrics.eventsProjected.inc(applied);
  }
}
