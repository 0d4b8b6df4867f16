import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { PROJECTION_TABLES } from '../schema/read-model-ddl';
import { ProjectionLocks } from './rebuild-locks';
import { ident } from './schema-names';

const RELATION_KINDS: Record<string, string> = {
  r: 'TABLE',
  p: 'TABLE',
  v: 'VIEW',
  m: 'MATERIALIZED VIEW',
  S: 'SEQUENCE',
  f: 'FOREIGN TABLE',
};

/** SQL: the object is not part of another one (a table's sequence or row type, an extension's member). */
const notMember = (catalog: string, column: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${column} AND d.deptype IN ('a', 'i', 'e'))`;

/**
 * The swap transaction. Once begun it holds the swap lock exclusively (live projector batches hold it
 * shared), so no live batch runs until it ends; its `manager` writes into the shadow schema (the
 * catch-up), and `swapIn` makes the shadow `public`. Readers keep reading the old `public` until the
 * commit. Lock waits and statements are bounded by the timeout; past it the transaction fails.
 */
export class SchemaSwap {
  private constructor(private readonly runner: QueryRunner) {}

  static async begin(dataSource: DataSource, shadow: string, timeoutMs: number): Promise<SchemaSwap> {
    const swap = new SchemaSwap(dataSource.createQueryRunner());
    try {
      await swap.runner.connect();
      await swap.runner.startTransaction();
      await swap.runner.query(
        `SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $1, true)`,
        [`${timeoutMs}ms`],
      );
      await swap.runner.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [ProjectionLocks.Swap]);
      await swap.runner.query(`SELECT set_config('search_path', $1, true)`, [ident(shadow)]);
      return swap;
    } catch (error) {
      await swap.abort();
      throw error;
    }
  }

  /** Writes inside the swap transaction, into the shadow schema. */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  /**
   * The shadow becomes `public` and `public` becomes `retired`. Whatever else lived in the old `public`
   * (not a projection: the migrations table, tables added later, their sequences, views, functions,
   * types, relocatable extensions) moves to the new one, so only the projection tables retire.
   */
  async swapIn(shadow: string, retired: string): Promise<void> {
    const swap = this.runner;
    await swap.query(`ALTER SCHEMA public RENAME TO ${ident(retired)}`);
    await swap.query(`ALTER SCHEMA ${ident(shadow)} RENAME TO public`);
    await swap.query(`GRANT USAGE ON SCHEMA public TO PUBLIC`);
    await swap.query(`COMMENT ON SCHEMA public IS 'standard public schema'`);
    const extensions: { extname: string; extrelocatable: boolean }[] = await swap.manager.query(
      `SELECT extname, extrelocatable FROM pg_extension WHERE extnamespace = $1::regnamespace`,
      [retired],
    );
    for (const { extname, extrelocatable } of extensions) {
      if (!extrelocatable) throw new Error(`extension ${extname} lives in schema public and cannot be moved`);
      await swap.query(`ALTER EXTENSION ${ident(extname)} SET SCHEMA public`);
    }
    const relations: { relname: string; relkind: string }[] = await swap.manager.query(
      `SELECT c.relname, c.relkind FROM pg_class c
       WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
         AND NOT (c.relname = ANY($2::text[])) AND ${notMember('pg_class', 'c.oid')}`,
      [retired, PROJECTION_TABLES],
    );
    for (const { relname, relkind } of relations) {
      await swap.query(
        `ALTER ${RELATION_KINDS[relkind]} ${ident(retired)}.${ident(relname)} SET SCHEMA public`,
      );
    }
    const routines: { signature: string; prokind: string }[] = await swap.manager.query(
      `SELECT p.oid::regprocedure::text AS signature, p.prokind FROM pg_proc p
       WHERE p.pronamespace = $1::regnamespace AND ${notMember('pg_proc', 'p.oid')}`,
      [retired],
    );
    for (const { signature, prokind } of routines) {
      await swap.query(`ALTER ${prokind === 'a' ? 'AGGREGATE' : 'ROUTINE'} ${signature} SET SCHEMA public`);
    }
    const types: { name: string; typtype: string }[] = await swap.manager.query(
      `SELECT t.oid::regtype::text AS name, t.typtype FROM pg_type t
       WHERE t.typnamespace = $1::regnamespace AND ${notMember('pg_type', 't.oid')}
         AND (t.typtype IN ('e', 'd', 'r')
              OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))`,
      [retired],
    );
    for (const { name, typtype } of types) {
      await swap.query(`ALTER ${typtype === 'd' ? 'DOMAIN' : 'TYPE'} ${name} SET SCHEMA public`);
    }
  }

  async commit(): Promise<void> {
    await this.runner.commitTransaction();
  }

  /** Rolls back (if still open) and releases the connection; never throws. */
  async abort(): Promise<void> {
    if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
    await this.release();
  }

  async release(): Promise<void> {
    if (!this.runner.isReleased) await this.runner.release().catch(() => undefined);
  }
}
