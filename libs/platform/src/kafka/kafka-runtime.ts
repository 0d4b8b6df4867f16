import type { Kafka } from 'kafkajs';
import type { KafkaConfig } from '../config/common-config';
import type { Logger } from '../logging/logger';
import { EventConsumer, type EventConsumerOptions } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { createKafkaClient } from './kafka-client';
import { ensureTopics, kafkaAnswers } from './topic-admin';

/**
 * A service's Kafka connection: one client, one idempotent publisher, the consumers it runs, and
 * their orderly shutdown (consumers first, so in-flight batches finish or are redelivered, then the
 * producer).
 */
export class KafkaRuntime {
  readonly kafka: Kafka;
  readonly publisher: EventPublisher;
  private readonly consumers: EventConsumer[] = [];

  constructor(
    private readonly config: KafkaConfig,
    private readonly logger: Logger,
  ) {
    this.kafka = createKafkaClient(config, logger);
    this.publisher = new EventPublisher(this.kafka, config, logger);
  }

  /** Creates missing topics and connects the publisher. */
  async connect(topics: readonly string[]): Promise<void> {
    await ensureTopics(this.kafka, this.config, topics);
    await this.publisher.connect();
  }

  consumer(options: Omit<EventConsumerOptions, 'deadLetters'>): EventConsumer {
    const consumer = new EventConsumer(
      this.kafka,
      {
        ...options,
        groupId: this.config.topicPrefix + options.groupId,
        deadLetters: this.publisher,
        topicPrefix: this.config.topicPrefix,
      },
      this.logger,
    );
    this.consumers.push(consumer);
    return consumer;
  }

  ready(timeoutMs = 2000): Promise<boolean> {
    return kafkaAnswers(this.kafka, timeoutMs);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((consumer) => consumer.stop()));
    await this.publisher
      .disconnect()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'producer close failed'));
  }
}
