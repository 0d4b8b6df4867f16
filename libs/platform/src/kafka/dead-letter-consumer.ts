import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { Topics } from '@app/contracts';
import type { Logger } from '../logging/logger';
import { createBatchConsumer, exitWhenCrashedForGood } from './batch-consumer-support';
import { OffsetCommits } from './offset-commits';
import type { DeadLetterEntry } from './dead-letter';
import { parseDeadLetterEntry } from './dead-letter-parser';

/** Stores dead-letter entries; must throw if any was not stored (the batch is then delivered again). */
export interface DeadLetterEntryHandler {
  handleEntries(entries: DeadLetterEntry[]): Promise<void>;
}

export interface DeadLetterConsumerOptions {
  groupId: string;
  handler: DeadLetterEntryHandler;
  /** KAFKA_TOPIC_PREFIX of the subscription. */
  topicPrefix?: string;
  partitionsConsumedConcurrently?: number;
}

/**
 * Reads the dead-letter topic from the beginning and hands valid entries to the handler, committing
 * offsets after it resolved. A message that is not a valid entry is logged and skipped: dead-lettering
 * it would write it back onto the topic it came from.
 */
export class DeadLetterConsumer {
  private readonly consumer: Consumer;
  private readonly commits = new OffsetCommits();
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly options: DeadLetterConsumerOptions,
    private readonly logger: Logger,
  ) {
    this.consumer = createBatchConsumer(kafka, options.groupId);
  }

  async start(): Promise<void> {
    exitWhenCrashedForGood(this.consumer, this.options.groupId, this.logger, () => this.running);
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [(this.options.topicPrefix ?? '') + Topics.DeadLetter],
      fromBeginning: true,
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    this.logger.info({ group: this.options.groupId }, 'dead-letter consumer started');
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const entries: DeadLetterEntry[] = [];
    let lastOffset: string | null = null;
    for (const message of batch.messages) {
      if (!this.running || !payload.isRunning() || payload.isStale()) break;
      const parsed = parseDeadLetterEntry(message.value);
      if (parsed.ok) entries.push(parsed.entry);
      else
        this.logger.warn(
          { partition: batch.partition, offset: message.offset, reason: parsed.reason },
          'skipping a message of the dead-letter topic that is not a dead-letter entry',
        );
      lastOffset = message.offset;
    }
    if (entries.length > 0) await this.options.handler.handleEntries(entries);
    if (lastOffset !== null) await this.commits.through(payload, lastOffset);
  }
}
