import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenant of a dead-letter entry: the dead-lettered event's envelope `tenantId`, when its value
 * parses far enough to tell (JSON, an object, a `tenantId` that is a tenant name), else NULL. Entries
 * recorded before this migration get it from their stored original value here, read the same way (a
 * value jsonb cannot read stays NULL), so the admin list can filter by tenant.
 */
export class DeadLetterTenants1774000000000 implements MigrationInterface {
  name = 'DeadLetterTenants1774000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ops.dead_letters ADD COLUMN tenant_id text`);
    // One row at a time, so a value that is not JSON (or not UTF-8) leaves only its own row NULL.
    await queryRunner.query(`
      DO $$
      DECLARE
        r record;
        v jsonb;
      BEGIN
        FOR r IN SELECT id, original FROM ops.dead_letters WHERE original->>'value' IS NOT NULL LOOP
          BEGIN
            IF r.original->>'valueEncoding' = 'base64' THEN
              v := convert_from(decode(r.original->>'value', 'base64'), 'UTF8')::jsonb;
            ELSE
              v := (r.original->>'value')::jsonb;
            END IF;
          EXCEPTION WHEN others THEN
            v := NULL;
          END;
          IF jsonb_typeof(v) = 'object' AND jsonb_typeof(v->'tenantId') = 'string'
             AND v->>'tenantId' ~ '^[a-z0-9][a-z0-9._-]{0,62}$' THEN
            UPDATE ops.dead_letters SET tenant_id = v->>'tenantId' WHERE id = r.id;
          END IF;
        END LOOP;
      END $$`);
    // The admin list filtered by tenant, newest first.
    await queryRunner.query(
      `CREATE INDEX dead_letters_by_tenant ON ops.dead_letters (tenant_id, failed_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ops.dead_letters_by_tenant`);
    await queryRunner.query(`ALTER TABLE ops.dead_letters DROP COLUMN tenant_id`);
  }
}
