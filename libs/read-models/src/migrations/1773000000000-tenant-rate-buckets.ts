import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each tenant's request token bucket, shared by every gateway replica (see
 * api-keys/tenant-rate-buckets.ts). Not a projection: a rebuild leaves it alone.
 */
export class TenantRateBuckets1773000000000 implements MigrationInterface {
  name = 'TenantRateBuckets1773000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_rate_buckets (
        tenant_id text PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL,
        last_grant integer NOT NULL DEFAULT 0
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tenant_rate_buckets`);
  }
}
