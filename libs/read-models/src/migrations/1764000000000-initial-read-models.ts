import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read models folded from the event log (jobs, job_events, job_stages) and the gateway's
 * idempotency keys. Everything but idempotency_keys can be dropped and rebuilt from Kafka.
 */
export class InitialReadModels1764000000000 implements MigrationInterface {
  name = 'InitialReadModels1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        priority text,
        input jsonb,
        result jsonb,
        error jsonb,
        attempts integer NOT NULL DEFAULT 0,
        correlation_id text NOT NULL,
        trace_id text,
        idempotency_key text,
        -- false while only stage events arrived (cross-topic order is not guaranteed): hidden from reads
        requested boolean NOT NULL DEFAULT false,
        created_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX jobs_newest_first ON jobs (tenant_id, created_at DESC, id DESC) WHERE requested`,
    );
    await queryRunner.query(
      `CREATE INDEX jobs_by_status ON jobs (tenant_id, status, created_at DESC, id DESC) WHERE requested`,
    );
    await queryRunner.query(
      `CREATE INDEX jobs_by_type ON jobs (tenant_id, type, created_at DESC, id DESC) WHERE requested`,
    );
    await queryRunner.query(`
      CREATE TABLE job_events (
        event_id uuid PRIMARY KEY,
        job_id uuid NOT NULL,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        envelope jsonb NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX job_events_history ON job_events (job_id, occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE job_stages (
        job_id uuid NOT NULL,
        stage text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        stage_version text,
        error jsonb,
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (job_id, stage)
      )`);
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
