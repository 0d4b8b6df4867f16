import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PROJECTED_TOPICS, Topics } from '@app/contracts';
import { KafkaRuntime, LOGGER, PlatformMetrics, SERVICE_CONFIG, type Logger } from '@app/platform';
import { DeadLetterWriter, ProjectionRebuilder } from '@app/read-models';
import { DeadLetterRecorder } from './dead-letters/dead-letter-recorder';
import type { ProjectorConfig } from './projector.config';
import { ProjectionBatchHandler } from './projection-batch-handler';

/**
 * Starts the projector's consumer group over every event topic, from the beginning of the log, and a
 * second group (`<group>.dead-letters`) that records the dead-letter topic in ops.dead_letters.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ProjectorConfig,
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
    @Inject(ProjectionRebuilder) private readonly rebuilder: ProjectionRebuilder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect([...PROJECTED_TOPICS, Topics.DeadLetter]);
    const consumer = this.kafka.consumer({
      groupId: this.config.groupId,
      topics: [...PROJECTED_TOPICS],
      fromBeginning: true,
      handler: new ProjectionBatchHandler(
        this.dataSource,
        this.logger,
        this.metrics,
        undefined,
        // An event PostgreSQL keeps refusing goes to the dead-letter topic as `unprojectable`.
        this.kafka.publisher,
      ),
      partitionsConsumedConcurrently: this.config.concurrency,
      maxBatchSize: 1000,
      // A job's state is read from the projection, but it finished when its stage said so: a few
      // milliseconds here cost no job latency, and a fetch (and transaction) per event or two costs a lot.
      fetch: { minBytes: 64 * 1024, maxWaitMs: this.config.fetchWaitMs },
    });
    await consumer.start();
    await this.kafka
      .deadLetterConsumer({
        groupId: `${this.config.groupId}.dead-letters`,
        handler: new DeadLetterRecorder(new DeadLetterWriter(this.dataSource, this.logger), this.logger),
      })
      .start();
  }

  async onApplicationShutdown(): Promise<void> {
    // A rebuild in progress fails cleanly (drops its shadow schema) before the connections close.
    await this.rebuilder.close();
    await this.kafka.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
