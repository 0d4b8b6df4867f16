import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys (see api-keys/api-key-store.ts). Not a projection: keys are not events, and a projection
 * rebuild leaves this table alone. Only a hash of each secret is stored.
 */
export class ApiKeys1772000000000 implements MigrationInterface {
  name = 'ApiKeys1772000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        secret_sha256 bytea NOT NULL UNIQUE,
        tenant_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'member', 'reader')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_keys`);
  }
}
