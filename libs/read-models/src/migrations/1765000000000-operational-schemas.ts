import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * State that is not a projection leaves schema `public` (which a projection rebuild replaces
 * wholesale): the gateway's idempotency keys move to schema `gateway`, and the record of projection
 * rebuilds lives in schema `ops`.
 */
export class OperationalSchemas1765000000000 implements MigrationInterface {
  name = 'OperationalSchemas1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS gateway`);
    await queryRunner.query(`ALTER TABLE idempotency_keys SET SCHEMA gateway`);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ops`);
    await queryRunner.query(`
      CREATE TABLE ops.projection_rebuilds (
        id uuid PRIMARY KEY,
        state text NOT NULL,
        shadow_schema text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        events_read bigint NOT NULL DEFAULT 0,
        events_applied bigint NOT NULL DEFAULT 0,
        events_total bigint NOT NULL DEFAULT 0,
        events_per_second double precision,
        error text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX projection_rebuilds_latest ON ops.projection_rebuilds (started_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ops.projection_rebuilds`);
    await queryRunner.query(`DROP SCHEMA ops`);
    await queryRunner.query(`ALTER TABLE gateway.idempotency_keys SET SCHEMA public`);
    await queryRunner.query(`DROP SCHEMA gateway`);
  }
}
