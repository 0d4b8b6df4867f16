import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsumerGroupInspector, type EventPublisher, type Logger } from '@app/platform';
import { DeadLetterClaims, DeadLetterQueries } from '@app/read-models';
import { DeadLetterRedriver } from './dlq/dead-letter-redriver';
import { DeadLettersAdminController } from './dlq/dead-letters-admin.controller';
import { ConsumerGroupsAdminController } from './consumer-groups-admin.controller';
import { ProjectionsAdminController } from './projections-admin.controller';
import { ProjectorAdminClient } from './projector-admin.client';
import type { RerunJobUseCase } from '../jobs/usecases/rerun-job/rerun-job.usecase';

export interface AdminDependencies {
  projectorAdminUrl: string;
  /** The gateway's pool (initialized by the gateway module before requests are served). */
  dataSource: DataSource;
  publisher: EventPublisher;
  logger: Logger;
  /** Redriving a retriesExhausted entry re-runs its job from the entry's stage. */
  rerunJob: RerunJobUseCase;
  /** `GET /admin/consumer-groups` reads groups from Kafka through it. */
  consumerGroups: ConsumerGroupInspector;
}

/**
 * `GET /admin/projections`, `POST /admin/projections/rebuild` (forwarded to the projector);
 * `GET /admin/dlq`, `GET /admin/dlq/{id}`, `POST /admin/dlq/{id}/redrive`; `GET /admin/consumer-groups`
 * (read from Kafka).
 */
@Module({})
export class AdminModule {
  static register(dependencies: AdminDependencies): DynamicModule {
    const { dataSource, publisher, logger, rerunJob } = dependencies;
    return {
      module: AdminModule,
      controllers: [ProjectionsAdminController, DeadLettersAdminController, ConsumerGroupsAdminController],
      providers: [
        { provide: ProjectorAdminClient, useValue: new ProjectorAdminClient(dependencies.projectorAdminUrl) },
        { provide: DeadLetterQueries, useValue: new DeadLetterQueries(dataSource) },
        { provide: ConsumerGroupInspector, useValue: dependencies.consumerGroups },
        {
          provide: DeadLetterRedriver,
          useValue: new DeadLetterRedriver(new DeadLetterClaims(dataSource), publisher, rerunJob, logger),
        },
      ],
    };
  }
}
