import type { MigrationInterface, QueryRunner } from 'typeorm';
import { JOB_THROUGHPUT_PROJECTION_DDL, runDdl } from '../schema/read-model-ddl';

/** An index for `GET /admin/throughput` (see schema/read-model-ddl.ts, shared with the rebuild). */
export class JobThroughputIndex1776000000000 implements MigrationInterface {
  name = 'JobThroughputIndex1776000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDdl(queryRunner, JOB_THROUGHPUT_PROJECTION_DDL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX jobs_by_finish`);
  }
}
