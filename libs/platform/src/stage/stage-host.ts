import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventTypes, REQUEST_TOPICS, retryTopics, Topics, type StageReplayRequested } from '@app/contracts';
import type { BatchContext, ConsumedEvent } from '../kafka/event-consumer';
import type { ContinuousIntake } from '../kafka/continuous-intake';
import type { KafkaRuntime } from '../kafka/kafka-runtime';
import type { Logger } from '../logging/logger';
import type { StageRuntimeConfig } from './stage-config';
import { StageWorker, type StageDefinition, type StageExecutor } from './stage-worker';
import { CancellationRegistry } from './cancellation-registry';
import { PrioritySlots } from './priority-slots';
import { stageSubscriptions } from './stage-subscriptions';
import { newControlGroupId } from './control-group';

/**
 * Hosts one stage in a Nest app: creates its topics, joins its consumer groups (one per request
 * priority, see `stageSubscriptions`, plus the retry topics), and on shutdown stops taking work and
 * leaves the groups. All consumers (continuous intakes) share STAGE_CONCURRENCY slots, high priority first.
 */
export class StageHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: StageWorker;
  private readonly cancellations = new CancellationRegistry();
  /** Each consumer group of the stage with the topics that start its work (what a replay rewinds). */
  private readonly inputConsumers: { consumer: ContinuousIntake; topics: string[] }[] = [];
  /** Replay requests older than this process were handled by the members of their time. */
  private readonly startedAt = Date.now();

  constructor(
    private readonly definition: Omit<StageDefinition, 'retry' | 'concurrency' | 'timeLimitMs'> & {
      /** Topics whose events start this stage's work (default: the requests of its job type). */
      inputTopics?: string[];
    },
    private readonly runtime: StageRuntimeConfig,
    private readonly groupId: string,
    executor: StageExecutor,
    private readonly kafka: KafkaRuntime,
    private readonly logger: Logger,
    /** Releases the executor's own resources (connection pools, worker threads) on shutdown. */
    private readonly closeExecutor: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.worker = new StageWorker(
      {
        ...definition,
        stageVersion: runtime.versionOverride ?? definition.stageVersion,
        retry: runtime.retry,
        concurrency: runtime.concurrency,
        slots: new PrioritySlots(runtime.concurrency),
        timeLimitMs: runtime.timeLimitMs,
        startedDelayMs: runtime.startedDelayMs,
        reporting: runtime.reporting,
      },
      executor,
      kafka.publisher,
      logger,
      kafka.metrics,
      this.cancellations,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const retries = retryTopics(this.definition.stage, this.runtime.retry.maxAttempts);
    await this.kafka.connect([
      ...REQUEST_TOPICS,
      Topics.JobsControl,
      this.definition.eventsTopic,
      Topics.DeadLetter,
      ...retries,
    ]);
    // Every process reads the whole control topic (its own throwaway group), so each replica knows
    // every cancellation, including those made before it started.
    await this.kafka
      .consumer({
        groupId: newControlGroupId(this.groupId),
        // One name for every replica and restart: the same bad message is one dead-letter entry.
        deadLetterGroup: `${this.groupId}.control`,
        topics: [Topics.JobsControl],
        fromBeginning: true,
        commitOffsets: false,
        handler: { handleBatch: (events, context) => this.handleControl(events, context) },
      })
      .start();
    const subscriptions = stageSubscriptions(
      this.groupId,
      this.definition.inputTopics
        ? { topics: this.definition.inputTopics }
        : { requestsOf: this.definition.jobType },
      retries,
    );
    for (const subscription of subscriptions) {
      // Continuous intake: each record is taken as soon as a slot is free, not batch by batch.
      const consumer = this.kafka.intake({
        groupId: subscription.groupId,
        topics: subscription.topics,
        fromBeginning: true,
        handler: this.worker,
        dueAt: (event) => StageWorker.dueAt(event),
        partitionsConsumedConcurrently: this.runtime.partitionsConsumedConcurrently,
        gatherMs: this.runtime.fetchGatherMs,
        // A member rejoins once the records it is admitting got a slot, which may take up to the time limit.
        rebalanceTimeoutMs: this.runtime.timeLimitMs + 10_000,
      });
      // A replay rewinds what starts work, not the retry topics (their messages are attempts in progress).
      const retrySet = new Set(retries);
      this.inputConsumers.push({ consumer, topics: subscription.topics.filter((t) => !retrySet.has(t)) });
      await consumer.start();
    }
    this.logger.info(
      { stage: this.definition.stage, groups: subscriptions.map((s) => s.groupId) },
      'stage running',
    );
  }

  private async handleControl(events: ConsumedEvent[], context: BatchContext): Promise<void> {
    await this.cancellations.handleBatch(events, context);
    for (const { event } of events) {
      if (
        event.type === EventTypes.StageReplayRequested &&
        event.data.stage === this.definition.stage &&
        Date.parse(event.occurredAt) >= this.startedAt
      ) {
        await this.replay(event);
      }
    }
  }

  /**
   * Rewinds this member's partitions of the stage's input topics to the replay's time; its retry
   * topics are left alone (their messages belong to the attempts in progress).
   */
  private async replay(request: StageReplayRequested): Promise<void> {
    const { from } = request.data;
    const log = this.logger.child({ stage: this.definition.stage, replay: request.jobId, from });
    try {
      let moved = 0;
      for (const { consumer, topics } of this.inputConsumers) {
        moved += await consumer.rewind(topics, (topic) => this.kafka.offsets.offsetsAt(topic, from));
      }
      log.info({ partitions: moved }, 'stage replay: partitions rewound');
    } catch (error: unknown) {
      // A rebalance in between moves partitions away; the request can simply be made again.
      log.error({ err: error }, 'stage replay failed on this member; request it again');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.worker.stop();
    await this.kafka.close();
    await this.closeExecutor().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'executor close failed'),
    );
  }
}
