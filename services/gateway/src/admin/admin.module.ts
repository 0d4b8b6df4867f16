import { Module, type DynamicModule } from '@nestjs/common';
import { ConsumerGroupInspector } from '@app/platform';
import { ConsumerGroupsAdminController } from './consumer-groups-admin.controller';
import { ProjectionsAdminController } from './projections-admin.controller';
import { ProjectorAdminClient } from './projector-admin.client';

/**
 * `GET /admin/projections`, `POST /admin/projections/rebuild` (forwarded to the projector) and
 * `GET /admin/consumer-groups` (read from Kafka).
 */
@Module({})
export class AdminModule {
  static register(projectorAdminUrl: string, consumerGroups: ConsumerGroupInspector): DynamicModule {
    return {
      module: AdminModule,
      controllers: [ProjectionsAdminController, ConsumerGroupsAdminController],
      providers: [
        { provide: ProjectorAdminClient, useValue: new ProjectorAdminClient(projectorAdminUrl) },
        { provide: ConsumerGroupInspector, useValue: consumerGroups },
      ],
    };
  }
}
