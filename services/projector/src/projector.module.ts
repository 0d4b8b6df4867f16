import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  PlatformModule,
  SERVICE_CONFIG,
  workerOpsModule,
  type Logger,
  type PlatformMetrics,
} from '@app/platform';
import { createDataSource } from '@app/read-models';
import { ProjectionsAdminModule } from './admin/projections-admin.module';
import type { ProjectorConfig } from './projector.config';
import { ProjectionRunner } from './projection-runner';

// Wiring follows the one rule written at the top of libs/platform/src/runtime/nest-wiring.ts.
@Module({})
export class ProjectorModule {
  static register(config: ProjectorConfig, logger: Logger, metrics: PlatformMetrics): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        PlatformModule.forRoot({ config, logger, metrics }, [
          {
            // Initialized before anything that queries it is made; the runner destroys it on shutdown.
            provide: DataSource,
            useFactory: (c: ProjectorConfig) => createDataSource(c.database, 'projector').initialize(),
            inject: [SERVICE_CONFIG],
          },
        ]),
        workerOpsModule({
          inject: [DataSource],
          probes: (dataSource: DataSource) => [
            { name: 'postgres', check: async () => (await dataSource.query('SELECT 1'), true) },
          ],
        }),
        ProjectionsAdminModule,
      ],
      providers: [ProjectionRunner],
    };
  }
}
