import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KafkaRuntime, type Logger } from '@app/platform';
import { createDataSource } from '@app/read-models';
import type { ProjectorConfig } from './projector.config';
import { ProjectionRunner } from './projection-runner';

export const LOGGER = Symbol('LOGGER');
export const CONFIG = Symbol('CONFIG');

@Module({})
export class ProjectorModule {
  static register(config: ProjectorConfig, logger: Logger): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: KafkaRuntime, useFactory: () => new KafkaRuntime(config.kafka, logger) },
        {
          provide: DataSource,
          useFactory: async () => createDataSource(config.database, 'projector').initialize(),
        },
        {
          provide: ProjectionRunner,
          useFactory: (kafka: KafkaRuntime, dataSource: DataSource) =>
            new ProjectionRunner(config, kafka, dataSource, logger),
          inject: [KafkaRuntime, DataSource],
        },
      ],
    };
  }
}
