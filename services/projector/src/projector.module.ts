import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaRuntime, PlatformMetrics, workerOpsModule, type Logger } from '@app/platform';
import { createDataSource, ProjectionRebuilder } from '@app/read-models';
import { ProjectionsAdminModule } from './admin/projections-admin.module';
import type { ProjectorConfig } from './projector.config';
import { ProjectionRunner } from './projection-runner';

@Module({})
export class ProjectorModule {
  static register(config: ProjectorConfig, logger: Logger): DynamicModule {
    const metrics = new PlatformMetrics('projector');
    const kafka = new KafkaRuntime(config.kafka, logger, metrics);
    const dataSource = createDataSource(config.database, 'projector');
    // Touches neither Kafka nor PostgreSQL until asked; the runner initializes the data source.
    const rebuilder = new ProjectionRebuilder({
      dataSource,
      kafka: config.kafka,
      logger,
      projectorGroupId: config.groupId,
      batchSize: config.rebuild.batchSize,
      keepRetired: config.rebuild.keepRetired,
    });
    return {
      module: ProjectorModule,
      imports: [
        workerOpsModule(metrics, kafka, [
          { name: 'postgres', check: async () => (await dataSource.query('SELECT 1'), true) },
        ]),
        ProjectionsAdminModule.register(rebuilder),
      ],
      providers: [
        {
          provide: ProjectionRunner,
          useFactory: async () =>
            new ProjectionRunner(config, kafka, await dataSource.initialize(), logger, metrics, rebuilder),
        },
      ],
    };
  }
}
