import type { Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeEvent } from '@app/contracts';
import { decodeHeaders, traceIdOf } from '@app/platform';
import { applyEvents, type ProjectableEvent } from '../job-projection';
import { partitionByJob } from './job-partitions';
import { LogReader, logRange, messagesBetween, type LogRange } from './log-reader';
import type { RebuildProgress } from './rebuild-progress';
import { ident } from './schema-names';
import { ShadowApplier } from './shadow-applier';

/** Decodes fetched messages like the live consumer does; `invalid` counts those it skips. */
export function decodeForReplay(
  logicalTopic: string,
  partition: number,
  messages: readonly KafkaMessage[],
): { events: ProjectableEvent[]; invalid: number } {
  const events: ProjectableEvent[] = [];
  let invalid = 0;
  for (const message of messages) {
    const decoded = decodeEvent(message.value);
    // The live consumer dead-lettered it; a rebuild skips it the same way.
    if (!decoded.ok) {
      invalid += 1;
      continue;
    }
    events.push({
      event: decoded.event,
      topic: logicalTopic,
      partition,
      offset: message.offset,
      traceId: traceIdOf(decodeHeaders(message.headers)),
    });
  }
  return { events, invalid };
}

/**
 * Folds a batch into the shadow schema in `writers` concurrent transactions, each with its share of
 * the batch's jobs; resolves to the events applied.
 */
export async function writeInShadow(
  dataSource: DataSource,
  shadow: string,
  events: ProjectableEvent[],
  writers: number,
): Promise<number> {
  // allSettled: a failure is reported once every transaction of the batch has ended.
  const outcomes = await Promise.allSettled(
    partitionByJob(events, writers).map((part) =>
      dataSource.transaction(async (manager) => {
        // Durability of a shadow batch is not needed before the swap (a crash drops the shadow anyway).
        await manager.query(
          `SELECT set_config('search_path', $1, true), set_config('synchronous_commit', 'off', true)`,
          [ident(shadow)],
        );
        return applyEvents(manager, part);
      }),
    ),
  );
  let applied = 0;
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') throw outcome.reason;
    applied += outcome.value;
  }
  return applied;
}

export interface ShadowReplayOptions {
  kafka: Kafka;
  dataSource: DataSource;
  /** The rebuild reader's own consumer group (prefixed). */
  groupId: string;
  /** Kafka topic names (prefixed). */
  topics: readonly string[];
  /** Topic prefix, stripped to get the logical topic an event is recorded under. */
  prefix: string;
  shadow: string;
  batchSize: number;
  writers: number;
  progress: RebuildProgress;
  /** After each batch is committed (before its progress is saved). */
  afterBatch?(progress: { batches: number; eventsRead: number; eventsApplied: number }): Promise<void> | void;
}

/**
 * Replays the log into the shadow schema: reads every partition from its first offset, decodes each
 * message like the live consumer, folds batches with the live `applyEvents`, and counts into the
 * rebuild's progress. The final catch-up writes through the swap transaction instead.
 */
export class ShadowReplay {
  private readonly reader: LogReader;
  private readonly applier: ShadowApplier;

  constructor(private readonly options: ShadowReplayOptions) {
    const { dataSource, shadow, writers, progress } = options;
    this.applier = new ShadowApplier(
      async (events) => {
        const began = performance.now();
        try {
          return await writeInShadow(dataSource, shadow, events, writers);
        } finally {
          progress.writeMs += performance.now() - began;
        }
      },
      options.batchSize,
      async (_read, applied) => {
        progress.record.eventsApplied += applied;
        progress.batches += 1;
        await options.afterBatch?.({
          batches: progress.batches,
          eventsRead: progress.record.eventsRead,
          eventsApplied: progress.record.eventsApplied,
        });
        await progress.checkpoint(false);
      },
      (error) => this.reader.fail(error),
    );
    this.reader = new LogReader(
      options.kafka,
      options.groupId,
      options.topics,
      (topic, partition, messages) => this.applier.add(this.decode(topic, partition, messages)),
    );
  }

  /** Replays from `range.low` up to `range.high` and writes everything read. */
  async replay(range: LogRange): Promise<void> {
    await this.reader.start(range.low);
    await this.reader.waitUntil(range.high);
    await this.applier.drain();
  }

  /**
   * Inside the swap transaction: reads what arrived since `replayed` (the end the replay stopped at)
   * and writes it through `manager`; stops reading once there.
   */
  async catchUp(manager: EntityManager, replayed: LogRange, timeoutMs: number): Promise<void> {
    await this.applier.switchSink((events) => applyEvents(manager, events));
    const end = await logRange(this.options.kafka, this.options.topics);
    this.options.progress.record.eventsTotal += messagesBetween(replayed.high, end.high);
    await this.reader.waitUntil(end.high, timeoutMs);
    await this.reader.stop();
    await this.applier.drain();
    this.applier.close();
  }

  /** Makes a wait in `replay` or `catchUp` reject (the rebuild is being stopped). */
  interrupt(error: Error): void {
    this.reader.fail(error);
  }

  /** Refuses further events and stops reading (the rebuild failed). */
  async abort(error: unknown): Promise<void> {
    this.applier.close();
    this.reader.fail(error);
    await this.reader.stop();
  }

  /** Stops reading and deletes the reader's consumer group. */
  async dispose(): Promise<void> {
    await this.reader.stop();
    await this.reader.deleteGroup();
  }

  private decode(topic: string, partition: number, messages: KafkaMessage[]): ProjectableEvent[] {
    const began = performance.now();
    const { progress, prefix } = this.options;
    const { events, invalid } = decodeForReplay(topic.slice(prefix.length), partition, messages);
    progress.record.eventsRead += messages.length;
    progress.invalid += invalid;
    progress.decodeMs += performance.now() - began;
    return events;
  }
}
