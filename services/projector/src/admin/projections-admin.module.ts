import { Module, type DynamicModule } from '@nestjs/common';
import { ProjectionRebuilder } from '@app/read-models';
import { ProjectionsAdminController } from './projections-admin.controller';

/** `GET /admin/projections` and `POST /admin/projections/rebuild` on the projector's HTTP app. */
@Module({})
export class ProjectionsAdminModule {
  static register(rebuilder: ProjectionRebuilder): DynamicModule {
    return {
      module: ProjectionsAdminModule,
      controllers: [ProjectionsAdminController],
      providers: [{ provide: ProjectionRebuilder, useValue: rebuilder }],
    };
  }
}
