import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOGGER, SERVICE_CONFIG, type Logger } from '@app/platform';
import { ProjectionRebuilder } from '@app/read-models';
import type { ProjectorConfig } from '../projector.config';
import { ProjectionsAdminController } from './projections-admin.controller';

/** `GET /admin/projections` and `POST /admin/projections/rebuild` on the projector's HTTP app. */
@Module({
  controllers: [ProjectionsAdminController],
  providers: [
    {
      provide: ProjectionRebuilder,
      // Touches neither Kafka nor PostgreSQL until asked.
      useFactory: (config: ProjectorConfig, dataSource: DataSource, logger: Logger) =>
        new ProjectionRebuilder({
          dataSource,
          kafka: config.kafka,
          logger,
          projectorGroupId: config.groupId,
          batchSize: config.rebuild.batchSize,
          keepRetired: config.rebuild.keepRetired,
        }),
      inject: [SERVICE_CONFIG, DataSource, LOGGER],
    },
  ],
  // The runner fails a rebuild in progress cleanly on shutdown.
  exports: [ProjectionRebuilder],
})
export class ProjectionsAdminModule {}
