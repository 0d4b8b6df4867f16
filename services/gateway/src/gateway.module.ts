import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics } from '@app/contracts';
import { KafkaRuntime, type Logger } from '@app/platform';
import { createDataSource, JobQueries } from '@app/read-models';
import type { GatewayConfig } from './gateway.config';
import { HealthController } from './health/health.controller';
import { IdempotencyKeyRepository } from './jobs/idempotency-key.repository';
import { JobsController } from './jobs/jobs.controller';
import { SubmitJobUseCase } from './jobs/usecases/submit-job/submit-job.usecase';

/** Connects the gateway's producer at start-up and closes its connections on shutdown. */
class GatewayConnections implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect([Topics.JobsRequested]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafka.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [JobsController, HealthController],
      providers: [
        { provide: KafkaRuntime, useFactory: () => new KafkaRuntime(config.kafka, logger) },
        // The pool is created lazily-tolerant: if Postgres is down at start, reads answer 503 until it is back.
        {
          provide: DataSource,
          useFactory: async () => createDataSource(config.database, 'gateway').initialize(),
        },
        {
          provide: JobQueries,
          useFactory: (dataSource: DataSource) => new JobQueries(dataSource),
          inject: [DataSource],
        },
        {
          provide: IdempotencyKeyRepository,
          useFactory: (dataSource: DataSource) => new IdempotencyKeyRepository(dataSource),
          inject: [DataSource],
        },
        {
          provide: SubmitJobUseCase,
          useFactory: (
            kafka: KafkaRuntime,
            keys: IdempotencyKeyRepository,
            jobs: JobQueries,
            dataSource: DataSource,
          ) => new SubmitJobUseCase(kafka.publisher, keys, jobs, dataSource, logger),
          inject: [KafkaRuntime, IdempotencyKeyRepository, JobQueries, DataSource],
        },
        GatewayConnections,
      ],
    };
  }
}
