import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runDdl, STAGE_REPORT_PROJECTION_DDL } from '../schema/read-model-ddl';

/** Stage progress and log lines (see schema/read-model-ddl.ts, shared with the rebuild). */
export class StageReports1770000000000 implements MigrationInterface {
  name = 'StageReports1770000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDdl(queryRunner, STAGE_REPORT_PROJECTION_DDL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX job_events_logs`);
    await queryRunner.query(`ALTER TABLE jobs DROP COLUMN progress`);
  }
}
