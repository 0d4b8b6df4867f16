import type { MigrationInterface, QueryRunner } from 'typeorm';
import { JOB_FILTER_PROJECTION_DDL, runDdl } from '../schema/read-model-ddl';

/** An index for `GET /jobs?correlationId=` (see schema/read-model-ddl.ts, shared with the rebuild). */
export class JobListFilters1775000000000 implements MigrationInterface {
  name = 'JobListFilters1775000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDdl(queryRunner, JOB_FILTER_PROJECTION_DDL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX jobs_by_correlation`);
  }
}
