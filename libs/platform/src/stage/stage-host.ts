import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { retryTopics, Topics } from '@app/contracts';
import type { KafkaRuntime } from '../kafka/kafka-runtime';
import type { Logger } from '../logging/logger';
import type { StageRuntimeConfig } from './stage-config';
import { StageWorker, type StageDefinition, type StageExecutor } from './stage-worker';
import { CancellationRegistry } from './cancellation-registry';
import { newControlGroupId } from './control-group';

/**
 * Hosts one stage in a Nest app: creates its topics, joins its consumer group over `jobs.requested`
 * and the stage's retry topics, and on shutdown stops taking work and leaves the group.
 */
export class StageHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: StageWorker;
  private readonly cancellations = new CancellationRegistry();

  constructor(
    private readonly definition: Omit<StageDefinition, 'retry' | 'concurrency' | 'timeLimitMs'> & {
      /** Topics whose events start this stage's work (default: jobs.requested). */
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
        retry: runtime.retry,
        concurrency: runtime.concurrency,
        timeLimitMs: runtime.timeLimitMs,
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
      Topics.JobsRequested,
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
        topics: [Topics.JobsControl],
        fromBeginning: true,
        handler: this.cancellations,
      })
      .start();
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      topics: [...(this.definition.inputTopics ?? [Topics.JobsRequested]), ...retries],
      fromBeginning: true,
      handler: this.worker,
      dueAt: (event) => StageWorker.dueAt(event),
      partitionsConsumedConcurrently: this.runtime.partitionsConsumedConcurrently,
      maxBatchSize: this.runtime.concurrency * 4,
      sessionTimeoutMs: this.runtime.sessionTimeoutMs,
      // Members rejoin a rebalance after their in-flight batch, which may run up to the time limit.
      rebalanceTimeoutMs: this.runtime.timeLimitMs + 10_000,
    });
    await consumer.start();
    this.logger.info({ stage: this.definition.stage, group: this.groupId }, 'stage running');
  }

  async onApplicationShutdown(): Promise<void> {
    this.worker.stop();
    await this.kafka.close();
    await this.closeExecutor().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'executor close failed'),
    );
  }
}
