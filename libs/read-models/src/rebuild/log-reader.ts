import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

/** Offsets per topic-partition, keyed `topic|partition` (topic names as in Kafka, prefix included). */
export type PartitionOffsets = Map<string, bigint>;

export const partitionKey = (topic: string, partition: number): string => `${topic}|${partition}`;

export interface LogRange {
  /** First offset still in the log. */
  low: PartitionOffsets;
  /** Offset the next message will get (end of the log). */
  high: PartitionOffsets;
}

/** Earliest and end offsets of every partition of the topics, right now. */
export async function logRange(kafka: Kafka, topics: readonly string[]): Promise<LogRange> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const low: PartitionOffsets = new Map();
    const high: PartitionOffsets = new Map();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        low.set(partitionKey(topic, p.partition), BigInt(p.low));
        high.set(partitionKey(topic, p.partition), BigInt(p.high));
      }
    }
    return { low, high };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Messages between two ranges (what a catch-up from `from` to `to` covers at most). */
export function messagesBetween(from: PartitionOffsets, to: PartitionOffsets): number {
  let total = 0n;
  for (const [key, end] of to) {
    const start = from.get(key) ?? 0n;
    if (end > start) total += end - start;
  }
  return Number(total);
}

export type MessageSink = (topic: string, partition: number, messages: KafkaMessage[]) => Promise<void>;

/**
 * Reads topics from their first offset, in order per partition, handing each fetched batch to the sink
 * (which may apply back-pressure by not resolving yet), and tracks how far every partition was read.
 * It uses a consumer group of its own that never commits: the group exists only for partition
 * assignment and is deleted afterwards; the live projector's group is never touched.
 */
export class LogReader {
  private readonly consumer: Consumer;
  private readonly positions: PartitionOffsets = new Map();
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly sink: MessageSink,
  ) {
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      // Replay reads far more than live consumption: large fetches, fewer round trips.
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 5 },
    });
  }

  /** Starts reading every partition from its first offset (`low` is where each one begins). */
  async start(low: PartitionOffsets): Promise<void> {
    for (const [key, offset] of low) this.positions.set(key, offset);
    const { END_BATCH_PROCESS, CRASH } = this.consumer.events;
    // Also fires for batches that held only control records (transaction markers): they move the
    // position although the sink never sees them.
    this.consumer.on(END_BATCH_PROCESS, ({ payload }) =>
      this.advance(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n),
    );
    this.consumer.on(CRASH, ({ payload }) => this.fail(payload.error));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (this.failure || batch.messages.length === 0) return;
        await this.sink(batch.topic, batch.partition, batch.messages);
        this.advance(batch.topic, batch.partition, BigInt(batch.lastOffset()) + 1n);
        await payload.heartbeat();
      },
    });
  }

  /** Next offset to read of every partition (everything before it went to the sink). */
  position(topic: string, partition: number): bigint | undefined {
    return this.positions.get(partitionKey(topic, partition));
  }

  /** Resolves once every partition was read up to `targets`; rejects on failure or after the timeout. */
  async waitUntil(targets: PartitionOffsets, timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.reached(targets)) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`the log was not read up to its end within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(remaining, 1_000));
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(done);
      });
    }
  }

  /** Makes waitUntil reject (the rebuild is failing or shutting down). */
  fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.notify();
  }

  /** Stops reading; waits for the batch in hand to be handed over. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= this.consumer.disconnect().catch(() => undefined);
    return this.stopped;
  }

  /** Deletes the reader's consumer group (it holds no offsets; this just leaves nothing behind). */
  async deleteGroup(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch {
      // An empty group without offsets also expires by itself.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private reached(targets: PartitionOffsets): boolean {
    for (const [key, target] of targets) {
      if ((this.positions.get(key) ?? 0n) < target) return false;
    }
    return true;
  }

  private advance(topic: string, partition: number, next: bigint): void {
    const key = partitionKey(topic, partition);
    if (next > (this.positions.get(key) ?? 0n)) this.positions.set(key, next);
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
