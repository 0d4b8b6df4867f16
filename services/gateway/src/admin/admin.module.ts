import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsumerGroupInspector, KafkaRuntime, SERVICE_CONFIG } from '@app/platform';
import { DeadLetterClaims, DeadLetterQueries, JobThroughputQueries } from '@app/read-models';
import type { GatewayConfig } from '../gateway.config';
import { RerunJobModule } from '../jobs/usecases/rerun-job/rerun-job.module';
import { DeadLetterRedriver } from './dlq/dead-letter-redriver';
import { DeadLettersAdminController } from './dlq/dead-letters-admin.controller';
import { ConsumerGroupsAdminController } from './consumer-groups-admin.controller';
import { ProjectionsAdminController } from './projections-admin.controller';
import { ProjectorAdminClient } from './projector-admin.client';
import { ThroughputAdminController } from './throughput/throughput-admin.controller';

/**
 * `GET /admin/projections`, `POST /admin/projections/rebuild` (forwarded to the projector);
 * `GET /admin/dlq`, `GET /admin/dlq/{id}`, `POST /admin/dlq/{id}/redrive`; `GET /admin/consumer-groups`
 * (read from Kafka); `GET /admin/throughput` (from the read model).
 */
@Module({
  // Redriving a retriesExhausted entry re-runs its job from the entry's stage.
  imports: [RerunJobModule],
  controllers: [
    ProjectionsAdminController,
    DeadLettersAdminController,
    ConsumerGroupsAdminController,
    ThroughputAdminController,
  ],
  providers: [
    {
      provide: ProjectorAdminClient,
      useFactory: (config: GatewayConfig) => new ProjectorAdminClient(config.projectorAdminUrl),
      inject: [SERVICE_CONFIG],
    },
    {
      provide: DeadLetterQueries,
      useFactory: (ds: DataSource) => new DeadLetterQueries(ds),
      inject: [DataSource],
    },
    {
      provide: JobThroughputQueries,
      useFactory: (ds: DataSource) => new JobThroughputQueries(ds),
      inject: [DataSource],
    },
    {
      provide: DeadLetterClaims,
      useFactory: (ds: DataSource) => new DeadLetterClaims(ds),
      inject: [DataSource],
    },
    {
      provide: ConsumerGroupInspector,
      useFactory: (kafka: KafkaRuntime) => kafka.consumerGroups,
      inject: [KafkaRuntime],
    },
    DeadLetterRedriver,
  ],
})
export class AdminModule {}
