import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUN_PROJECTION_DDL, runDdl } from '../schema/read-model-ddl';

/** Job runs and superseding stage versions (see schema/read-model-ddl.ts, shared with the rebuild). */
export class JobRuns1768000000000 implements MigrationInterface {
  name = 'JobRuns1768000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDdl(queryRunner, RUN_PROJECTION_DDL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE document_pages DROP COLUMN run`);
    await queryRunner.query(`ALTER TABLE documents DROP COLUMN run`);
    await queryRunner.query(`ALTER TABLE job_stages DROP COLUMN run`);
    await queryRunner.query(`ALTER TABLE jobs DROP COLUMN run, DROP COLUMN outcome_version`);
  }
}
