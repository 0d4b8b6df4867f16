import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's record of accepted requests (see job-submissions.ts): written only by the gateway, so
 * its inserts never wait on the projector's transactions over `jobs`.
 */
export class JobSubmissions1769000000000 implements MigrationInterface {
  name = 'JobSubmissions1769000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE job_submissions (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        type text NOT NULL,
        priority text NOT NULL,
        input jsonb NOT NULL,
        correlation_id text NOT NULL,
        trace_id text,
        run integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX job_submissions_by_age ON job_submissions (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE job_submissions`);
  }
}
