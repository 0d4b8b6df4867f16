import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { decodeEvent, type JobEvent } from '@app/contracts';
import type { Logger } from '../logging/logger';
import { deadLetterMessage } from './dead-letter';
import type { EventPublisher } from './event-publisher';
import { decodeHeaders, type StringHeaders } from './message-headers';
import { extractContext, type Context } from '../telemetry/tracing';
import type { PlatformMetrics } from '../metrics/platform-metrics';

/** A validated event with where it came from. */
export interface ConsumedEvent<E extends JobEvent = JobEvent> {
  event: E;
  topic: string;
  partition: number;
  offset: string;
  headers: StringHeaders;
  /** Trace context of the producer (from the traceparent header): parent of the processing span. */
  traceContext?: Context;
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

export interface EventConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning: boolean;
  handler: EventBatchHandler;
  /** Where messages that cannot be consumed go (not JSON, failing their schema). */
  deadLetters: EventPublisher;
  /** How many partitions' batches run at once. */
  partitionsConsumedConcurrently?: number;
  /** For delayed topics: the time a message becomes due; the partition waits until then. */
  dueAt?: (event: JobEvent) => number | null;
  /** Upper bound on messages given to the handler at once. */
  maxBatchSize?: number;
  sessionTimeoutMs?: number;
  /** KAFKA_TOPIC_PREFIX: subscriptions use prefixed names; handlers and dead letters see logical ones. */
  topicPrefix?: string;
  metrics?: PlatformMetrics;
}

/**
 * The consumer runtime every service uses: batches with manual offset commits. Invalid messages are
 * dead-lettered (and the consumer moves on); valid ones go to the handler; the batch's offsets are
 * committed only after the handler resolved, i.e. after its outputs were acknowledged or its
 * transaction committed. A handler failure commits nothing, so the batch is delivered again.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private running = false;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(
    kafka: Kafka,
    private readonly options: EventConsumerOptions,
    private readonly logger: Logger,
  ) {
    const sessionTimeout = options.sessionTimeoutMs ?? 30000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout,
      // Several heartbeats per session, so one late heartbeat does not cost the partitions.
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 10 },
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  async start(): Promise<void> {
    // KafkaJS gives up on some errors (e.g. no group coordinator yet on a brand-new cluster) without
    // restarting. A consumer that silently stopped would lose no data but do no work: exit instead, so
    // the supervisor restarts the service and it rejoins the group from the committed offsets.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || !this.running) return;
      this.logger.fatal(
        { err: payload.error, group: this.options.groupId },
        'consumer crashed without restart; exiting',
      );
      process.exit(70);
    });
    await this.consumer.connect();
    const prefix = this.options.topicPrefix ?? '';
    await this.consumer.subscribe({
      topics: this.options.topics.map((topic) => prefix + topic),
      fromBeginning: this.options.fromBeginning,
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
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
    let pending: { consumed: ConsumedEvent; message: KafkaMessage }[] = [];
    let deadLetters: ReturnType<typeof deadLetterMessage>[] = [];
    let lastOffset: string | null = null;

    const flush = async (): Promise<void> => {
      if (deadLetters.length > 0) {
        await this.options.deadLetters.publishRaw(deadLetters);
        this.options.metrics?.deadLetters.inc(
          { group: this.options.groupId, reason: 'invalidMessage' },
          deadLetters.length,
        );
      }
      if (pending.length > 0) {
        await this.options.handler.handleBatch(
          pending.map((p) => p.consumed),
          {
            heartbeat: () => payload.heartbeat(),
            isActive: () => this.running && payload.isRunning() && !payload.isStale(),
          },
        );
      }
      if (lastOffset !== null) {
        payload.resolveOffset(lastOffset);
        // Explicit offsets: with autoCommit off and no interval/threshold, KafkaJS's argument-less
        // commitOffsetsIfNecessary() never commits, and every restart would reprocess the whole log.
        await payload.commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: (BigInt(lastOffset) + 1n).toString() }],
            },
          ],
        });
      }
      pending = [];
      deadLetters = [];
      lastOffset = null;
    };

    for (const message of batch.messages) {
      if (!this.running || !payload.isRunning() || payload.isStale()) break;
      const headers = decodeHeaders(message.headers);
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) {
        this.logger.warn(
          { topic, partition: batch.partition, offset: message.offset, reason: decoded.reason },
          'dead-lettering an invalid message',
        );
        deadLetters.push(
          deadLetterMessage(
            {
              topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key,
              value: message.value,
              headers,
            },
            this.options.groupId,
            'invalidMessage',
            decoded.reason,
            decoded.errors,
          ),
        );
        lastOffset = message.offset;
        continue;
      }
      const due = this.options.dueAt?.(decoded.event) ?? null;
      if (due !== null && due > Date.now()) {
        await flush();
        this.waitUntil(batch.topic, batch.partition, message.offset, due);
        return;
      }
      pending.push({
        consumed: {
          event: decoded.event,
          topic,
          partition: batch.partition,
          offset: message.offset,
          headers,
          traceContext: extractContext(headers),
        },
        message,
      });
      lastOffset = message.offset;
      if (pending.length >= maxBatchSize) await flush();
    }
    await flush();
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
