import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dead-letter read model. Operational state (redrive marks), so it lives in schema `ops`, not in
 * `public`: a projection rebuild leaves it alone.
 */
export class DeadLetters1767000000000 implements MigrationInterface {
  name = 'DeadLetters1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ops.dead_letters (
        id uuid PRIMARY KEY,
        reason text NOT NULL,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        source_group text NOT NULL,
        job_id uuid,
        detail text NOT NULL,
        errors jsonb NOT NULL,
        original jsonb NOT NULL,
        attempts integer,
        failed_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        redriven_at timestamptz,
        redrive_count integer NOT NULL DEFAULT 0
      )`);
    // Newest first, optionally per source topic or reason (the admin list's filters).
    await queryRunner.query(`CREATE INDEX dead_letters_newest ON ops.dead_letters (failed_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX dead_letters_by_topic ON ops.dead_letters (source_topic, failed_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX dead_letters_by_reason ON ops.dead_letters (reason, failed_at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX dead_letters_by_job ON ops.dead_letters (job_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ops.dead_letters`);
  }
}
