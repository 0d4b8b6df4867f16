import { Module, type DynamicModule } from '@nestjs/common';
import { ProjectionsAdminController } from './projections-admin.controller';
import { ProjectorAdminClient } from './projector-admin.client';

/** `GET /admin/projections`, `POST /admin/projections/rebuild`: forwarded to the projector. */
@Module({})
export class AdminModule {
  static register(projectorAdminUrl: string): DynamicModule {
    return {
      module: AdminModule,
      controllers: [ProjectionsAdminController],
      providers: [{ provide: ProjectorAdminClient, useValue: new ProjectorAdminClient(projectorAdminUrl) }],
    };
  }
}
