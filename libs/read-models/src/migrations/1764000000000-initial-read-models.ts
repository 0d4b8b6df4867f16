import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INITIAL_PROJECTION_DDL, runDdl } from '../schema/read-model-ddl';

/**
 * The read models folded from the event log (jobs, job_events, job_stages) and the gateway's
 * idempotency keys. Everything but idempotency_keys can be dropped and rebuilt from Kafka.
 * The projection DDL is shared with the projection rebuild (schema/read-model-ddl.ts).
 */
export class InitialReadModels1764000000000 implements MigrationInterface {
  name = 'InitialReadModels1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDdl(queryRunner, INITIAL_PROJECTION_DDL);
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        tenant_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        job_id uuid NOT NULL,
        state text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE job_stages`);
    await queryRunner.query(`DROP TABLE job_events`);
    await queryRunner.query(`DROP TABLE jobs`);
  }
}
