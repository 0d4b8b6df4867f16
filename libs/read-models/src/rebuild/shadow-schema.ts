import type { DataSource } from 'typeorm';
import type { Logger } from '@app/platform';
import { createProjectionTables, PROJECTION_TABLES } from '../schema/read-model-ddl';
import { ident } from './schema-names';

/**
 * The schemas a rebuild creates and removes: its shadow (`rebuild_<ts>`, the projection tables filled
 * by the replay), shadows left by a rebuild whose process died, and the `retired_<ts>` schemas earlier
 * swaps left behind.
 */
export class ShadowSchemas {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the shadow schema with empty projection tables (the migrations' DDL). */
  async create(shadow: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`CREATE SCHEMA ${ident(shadow)}`);
      await manager.query(`SELECT set_config('search_path', $1, true)`, [ident(shadow)]);
      await createProjectionTables(manager);
    });
  }

  /** Fresh planner statistics for the filled shadow, before it serves reads. */
  async analyze(shadow: string): Promise<void> {
    await this.dataSource.query(
      `ANALYZE ${PROJECTION_TABLES.map((table) => `${ident(shadow)}.${ident(table)}`).join(', ')}`,
    );
  }

  async drop(shadow: string): Promise<void> {
    await this.dataSource.query(`DROP SCHEMA IF EXISTS ${ident(shadow)} CASCADE`);
  }

  /** Shadow schemas of rebuilds whose process died (call only while holding the rebuild lock). */
  async dropLeftovers(): Promise<void> {
    const rows: { nspname: string }[] = await this.dataSource.query(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%'`,
    );
    for (const { nspname } of rows) await this.dataSource.query(`DROP SCHEMA ${ident(nspname)} CASCADE`);
  }

  /**
   * Keeps the newest `keep` retired schemas (for inspection or a manual rollback) and drops the rest,
   * without CASCADE: a schema something else still depends on stays, with a warning.
   */
  async pruneRetired(keep: number, log: Logger): Promise<void> {
    const rows: { nspname: string }[] = await this.dataSource.query(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'retired\\_%' ORDER BY nspname DESC`,
    );
    for (const { nspname } of rows.slice(keep)) {
      try {
        await this.dataSource.transaction(async (manager) => {
          const tables: { relname: string }[] = await manager.query(
            `SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind IN ('r', 'p')`,
            [nspname],
          );
          if (tables.length > 0)
            await manager.query(
              `DROP TABLE ${tables.map((t) => `${ident(nspname)}.${ident(t.relname)}`).join(', ')}`,
            );
          await manager.query(`DROP SCHEMA ${ident(nspname)}`);
        });
      } catch (error) {
        log.warn(
          { err: error, schema: nspname },
          'kept a retired read-model schema: something depends on it',
        );
      }
    }
  }
}
