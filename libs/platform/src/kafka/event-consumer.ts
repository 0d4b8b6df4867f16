import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { JobEvent } from '@app/contracts';
import type { Logger } from '../logging/logger';
import {
  createBatchConsumer,
  exitWhenCrashedForGood,
  heartbeatIntervalFor,
  runBatches,
  type FetchPacing,
} from './batch-consumer-support';
import { OffsetCommits } from './offset-commits';
import { readMessage } from './consumed-message';
import type { EventPublisher, RawMessage } from './event-publisher';
import type { StringHeaders } from './message-headers';
import type { Context } from '../telemetry/tracing';
import type { PlatformMetrics } from '../metrics/platform-metrics';
import type { PartitionOffset } from './group-offset-reset';

/** A validated event with where it came from. */
export interface ConsumedEvent<E extends JobEvent = JobEvent> {
  event: E;
  topic: string;
  partition: number;
  offset: string;
  headers: StringHeaders;
  /** Trace context of the producer (from the traceparent header): parent of the processing span. */
  traceContext?: Context;
  /** The message's bytes as consumed, so it can be dead-lettered (and redriven) exactly as it was. */
  key?: Buffer | null;
  value?: Buffer | null;
  /** The consumer group that consumed it (logical name, without KAFKA_TOPIC_PREFIX). */
  group?: string;
}

export interface BatchContext {
  /** Tell the group coordinator we are alive during long work. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the batch was revoked by a rebalance. */
  isActive(): boolean;
}

/** Handles the valid events of one partition's batch; must throw if any output was not acknowledged. */
export interface EventBatchHandler {
  handleBatch(events: ConsumedEvent[], context: BatchContext): Promise<void>;
}

/** What every event consumer kind is given: its group, subscription, dead letters and timing. */
export interface EventSubscriptionOptions {
  groupId: string;
  topics: string[];
  fromBeginning: boolean;
  /** Where messages that cannot be consumed go (not JSON, failing their schema). */
  deadLetters: EventPublisher;
  /** How many partitions' batches run (or are read) at once. */
  partitionsConsumedConcurrently?: number;
  /** For delayed topics: the time a message becomes due; the partition waits until then. */
  dueAt?: (event: JobEvent) => number | null;
  /** The group drops a member it has not heard from for this long (default 30 s). */
  sessionTimeoutMs?: number;
  /**
   * How long a rebalance waits for members to rejoin (default 60 s). A member rejoins after its
   * in-flight batch, so this should exceed the longest batch (a stage's time limit).
   */
  rebalanceTimeoutMs?: number;
  /** KAFKA_TOPIC_PREFIX: subscriptions use prefixed names; handlers and dead letters see logical ones. */
  topicPrefix?: string;
  /**
   * The group named in dead-letter entries (default: groupId). A throwaway group (a random name per
   * process) names a stable one here, so its dead letters keep the same entry id across restarts.
   */
  deadLetterGroup?: string;
  metrics?: PlatformMetrics;
}

export interface EventConsumerOptions extends EventSubscriptionOptions {
  handler: EventBatchHandler;
  /** Upper bound on messages given to the handler at once. */
  maxBatchSize?: number;
  /**
   * Commit consumed offsets (default true). A throwaway group that reads its topic from the start in
   * every process never needs its position again: without committed offsets Kafka deletes the group
   * once its member is gone, instead of keeping one group per process start for the offsets' retention.
   */
  commitOffsets?: boolean;
  /** How fetches wait for data (default: return as soon as anything arrives). */
  fetch?: FetchPacing;
}

/**
 * The consumer runtime every service uses: batches with manual offset commits. Invalid messages are
 * dead-lettered (and the consumer moves on); valid ones go to the handler; the batch's offsets are
 * committed only after the handler resolved, i.e. after its outputs were acknowledged or its
 * transaction committed. A handler failure commits nothing, so the batch is delivered again.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly commits = new OffsetCommits();
  private running = false;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  /** This member's partitions per (prefixed) topic, as of its last join. */
  private assignment: Record<string, number[]> = {};
  private readonly heartbeatIntervalMs: number;

  constructor(
    kafka: Kafka,
    private readonly options: EventConsumerOptions,
    private readonly logger: Logger,
  ) {
    this.heartbeatIntervalMs = heartbeatIntervalFor(options.sessionTimeoutMs ?? 30000);
    this.consumer = createBatchConsumer(kafka, options.groupId, {
      sessionTimeoutMs: options.sessionTimeoutMs,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs,
      fetch: options.fetch,
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  private get deadLetterGroup(): string {
    return this.options.deadLetterGroup ?? this.options.groupId;
  }

  async start(): Promise<void> {
    exitWhenCrashedForGood(this.consumer, this.options.groupId, this.logger, () => this.running);
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment = payload.memberAssignment;
    });
    await runBatches(
      this.consumer,
      this.options,
      (payload) => this.consumeBatch(payload),
      () => (this.running = true),
    );
    this.logger.info({ group: this.options.groupId, topics: this.options.topics }, 'consumer started');
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    await this.consumer.disconnect();
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const topic = batch.topic.slice((this.options.topicPrefix ?? '').length);
    const maxBatchSize = this.options.maxBatchSize ?? 500;
    let pending: ConsumedEvent[] = [];
    let deadLetters: RawMessage[] = [];
    let lastOffset: string | null = null;

    const flush = async (): Promise<void> => {
      if (deadLetters.length > 0) {
        await this.options.deadLetters.publishRaw(deadLetters);
        this.options.metrics?.deadLetters.inc(
          { group: this.deadLetterGroup, reason: 'invalidMessage' },
          deadLetters.length,
        );
      }
      if (pending.length > 0) {
        // KafkaJS heartbeats only between batches or when asked: a batch of long jobs (OCR, a slow
        // fetch) would outlive the session timeout and lose its partitions mid-work, so keep beating.
        const beat = setInterval(() => {
          payload
            .heartbeat()
            .catch((error: unknown) =>
              this.logger.debug(
                { err: error, group: this.options.groupId },
                'heartbeat during a batch failed',
              ),
            );
        }, this.heartbeatIntervalMs);
        try {
          await this.options.handler.handleBatch(pending, {
            heartbeat: () => payload.heartbeat(),
            isActive: () => this.running && payload.isRunning() && !payload.isStale(),
          });
        } finally {
          clearInterval(beat);
        }
      }
      if (lastOffset !== null) {
        if (this.options.commitOffsets ?? true) await this.commits.through(payload, lastOffset);
        else payload.resolveOffset(lastOffset);
      }
      pending = [];
      deadLetters = [];
      lastOffset = null;
    };

    for (const message of batch.messages) {
      if (!this.running || !payload.isRunning() || payload.isStale()) break;
      const read = readMessage(message, topic, batch.partition, this.deadLetterGroup);
      if (!read.ok) {
        this.logger.warn(
          { topic, partition: batch.partition, offset: message.offset, reason: read.reason },
          'dead-lettering an invalid message',
        );
        deadLetters.push(read.deadLetter);
        lastOffset = message.offset;
        continue;
      }
      const due = this.options.dueAt?.(read.consumed.event) ?? null;
      if (due !== null && due > Date.now()) {
        await flush();
        this.waitUntil(batch.topic, batch.partition, message.offset, due);
        return;
      }
      pending.push(read.consumed);
      lastOffset = message.offset;
      if (pending.length >= maxBatchSize) await flush();
    }
    await flush();
  }

  /**
   * Moves this member's partitions of `topics` to the offsets `offsetsAt` gives and commits them
   * there, so the new position also holds after a rebalance. Returns how many partitions moved.
   */
  async rewind(topics: string[], offsetsAt: (topic: string) => Promise<PartitionOffset[]>): Promise<number> {
    const prefix = this.options.topicPrefix ?? '';
    let moved = 0;
    for (const topic of topics) {
      const assigned = this.assignment[prefix + topic] ?? [];
      if (assigned.length === 0) continue;
      const offsets = (await offsetsAt(topic)).filter((p) => assigned.includes(p.partition));
      for (const { partition, offset } of offsets) {
        this.consumer.seek({ topic: prefix + topic, partition, offset });
      }
      await this.consumer.commitOffsets(
        offsets.map(({ partition, offset }) => ({ topic: prefix + topic, partition, offset })),
      );
      moved += offsets.length;
    }
    return moved;
  }

  /** Holds a partition until its head message is due, without blocking the other partitions. */
  private waitUntil(topic: string, partition: number, offset: string, due: number): void {
    this.consumer.pause([{ topic, partitions: [partition] }]);
    this.consumer.seek({ topic, partition, offset });
    const timer = setTimeout(
      () => {
        this.resumeTimers.delete(timer);
        if (this.running) this.consumer.resume([{ topic, partitions: [partition] }]);
      },
      Math.max(0, due - Date.now()),
    );
    this.resumeTimers.add(timer);
  }
}
