import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobRunQueries } from '@app/read-models';
import { ReadYourWrites } from '../../read-your-writes';
import { RerunJobUseCase } from './rerun-job.usecase';

/** Re-running a job: `POST /jobs/{id}/retry`, `POST /admin/replay` with a job id, and DLQ redrives. */
@Module({
  providers: [
    { provide: JobRunQueries, useFactory: (ds: DataSource) => new JobRunQueries(ds), inject: [DataSource] },
    ReadYourWrites,
    RerunJobUseCase,
  ],
  exports: [RerunJobUseCase, ReadYourWrites],
})
export class RerunJobModule {}
