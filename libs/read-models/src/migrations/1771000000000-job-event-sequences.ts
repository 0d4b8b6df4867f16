import type { MigrationInterface, QueryRunner } from 'typeorm';
import { JOB_SEQ_PROJECTION_DDL, runDdl } from '../schema/read-model-ddl';

/**
 * Per-job event sequence numbers (`job_events.job_seq`, `job_event_seqs`) for live streams' resume
 * ids; existing events are numbered in their `GET /jobs/{id}/events` order (see
 * schema/read-model-ddl.ts, shared with the rebuild).
 */
export class JobEventSequences1771000000000 implements MigrationInterface {
  name = 'JobEventSequences1771000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDdl(queryRunner, JOB_SEQ_PROJECTION_DDL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE job_events DROP CONSTRAINT job_events_job_seq, DROP COLUMN job_seq`);
    await queryRunner.query(`DROP TABLE job_event_seqs`);
  }
}
