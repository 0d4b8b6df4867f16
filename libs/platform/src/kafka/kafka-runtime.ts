import type { Kafka } from 'kafkajs';
import { Topics } from '@app/contracts';
import type { KafkaConfig } from '../config/common-config';
import type { Logger } from '../logging/logger';
import { EventConsumer, type EventConsumerOptions, type EventSubscriptionOptions } from './event-consumer';
import { ContinuousIntake, type ContinuousIntakeOptions } from './continuous-intake';
import { DeadLetterConsumer, type DeadLetterConsumerOptions } from './dead-letter-consumer';
import { EventPublisher } from './event-publisher';
import { createKafkaClient } from './kafka-client';
import { ensureTopics } from './topic-admin';
import { withDeadline } from '../ops/readiness';
import { LagReader } from './consumer-lag';
import { GroupOffsetReset } from './group-offset-reset';
import { ConsumerGroupInspector } from './consumer-group-inspector';
import { SharedAdmin } from './shared-admin';
import type { PlatformMetrics } from '../metrics/platform-metrics';

/**
 * A service's Kafka connection: one client, one idempotent publisher, the consumers it runs, and
 * their orderly shutdown (consumers first, so in-flight batches finish or are redelivered, then the
 * producer).
 */
export class KafkaRuntime {
  readonly kafka: Kafka;
  readonly publisher: EventPublisher;
  private readonly consumers: { stop(): Promise<void> }[] = [];
  private readonly subscriptions: { groupId: string; topics: string[] }[] = [];
  /** One admin connection, made on first use, for lag, readiness, group views and offset resets. */
  private readonly admin: SharedAdmin;
  private readonly lag: LagReader;
  /** Consumer-group offsets by time (stage replays). */
  readonly offsets: GroupOffsetReset;
  /** This deployment's consumer groups through the admin API. */
  readonly consumerGroups: ConsumerGroupInspector;

  constructor(
    private readonly config: KafkaConfig,
    private readonly logger: Logger,
    readonly metrics?: PlatformMetrics,
  ) {
    this.kafka = createKafkaClient(config, logger);
    this.publisher = new EventPublisher(this.kafka, config, logger);
    this.admin = new SharedAdmin(this.kafka);
    this.lag = new LagReader(this.admin);
    this.offsets = new GroupOffsetReset(this.admin, config.topicPrefix);
    this.consumerGroups = new ConsumerGroupInspector(this.admin, config.topicPrefix);
  }

  /** Creates missing topics and connects the publisher. */
  async connect(topics: readonly string[]): Promise<void> {
    await ensureTopics(this.kafka, this.config, topics);
    await this.publisher.connect();
  }

  consumer(options: Omit<EventConsumerOptions, 'deadLetters'>): EventConsumer {
    return this.track(new EventConsumer(this.kafka, this.subscribed(options), this.logger), options);
  }

  /** A continuous-intake consumer (stages): records taken as slots free up, done prefix committed. */
  intake(options: Omit<ContinuousIntakeOptions, 'deadLetters'>): ContinuousIntake {
    return this.track(new ContinuousIntake(this.kafka, this.subscribed(options), this.logger), options);
  }

  /** A consumer kind's options with this runtime's prefix, dead letters, metrics and session timeout. */
  private subscribed<O extends Omit<EventSubscriptionOptions, 'deadLetters'>>(
    options: O,
  ): O & EventSubscriptionOptions {
    return {
      sessionTimeoutMs: this.config.sessionTimeoutMs,
      ...options,
      groupId: this.config.topicPrefix + options.groupId,
      deadLetterGroup: options.deadLetterGroup ?? options.groupId,
      deadLetters: this.publisher,
      topicPrefix: this.config.topicPrefix,
      metrics: this.metrics,
    };
  }

  /** Remembers a consumer to stop on close, and its subscription (logical names) for replays. */
  private track<C extends EventConsumer | ContinuousIntake>(
    consumer: C,
    options: { groupId: string; topics: string[] },
  ): C {
    this.consumers.push(consumer);
    this.subscriptions.push({ groupId: options.groupId, topics: options.topics });
    return consumer;
  }

  /** A consumer of the dead-letter topic (group and topic prefixed like every other consumer). */
  deadLetterConsumer(options: Omit<DeadLetterConsumerOptions, 'topicPrefix'>): DeadLetterConsumer {
    const consumer = new DeadLetterConsumer(
      this.kafka,
      {
        ...options,
        groupId: this.config.topicPrefix + options.groupId,
        topicPrefix: this.config.topicPrefix,
      },
      this.logger,
    );
    this.consumers.push(consumer);
    this.subscriptions.push({ groupId: options.groupId, topics: [Topics.DeadLetter] });
    return consumer;
  }

  /** Sets the consumer-lag gauge of every group this process consumes in (read at `/metrics`). */
  async refreshLagMetrics(): Promise<void> {
    if (!this.metrics) return;
    const prefix = this.config.topicPrefix;
    for (const { groupId, topics } of this.subscriptions) {
      const partitions = await this.lag.read(
        prefix + groupId,
        topics.map((topic) => prefix + topic),
      );
      const byTopic = new Map<string, number>();
      for (const p of partitions) byTopic.set(p.topic, (byTopic.get(p.topic) ?? 0) + p.lag);
      for (const [topic, lag] of byTopic)
        this.metrics.consumerLag.set({ group: groupId, topic: topic.slice(prefix.length) }, lag);
    }
  }

  ready(timeoutMs = 2000): Promise<boolean> {
    return withDeadline(() => this.lag.clusterAnswers(), timeoutMs);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((consumer) => consumer.stop()));
    await this.admin.close().catch(() => undefined);
    await this.publisher
      .disconnect()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'producer close failed'));
  }
}
