import type { DataSource } from 'typeorm';
import { ident } from './schema-names';

type Queryable = Pick<DataSource, 'query'>;

/**
 * Drops the shadow's indexes on `jobs` that only the API's listings use (not its primary key, which
 * the fold's upserts need) and returns their definitions, to create them again once the log is
 * replayed: one sort per index instead of index entries for every one of a job's row versions (and
 * without them a job row's updates can be HOT).
 */
export async function deferListingIndexes(db: Queryable, shadow: string): Promise<string[]> {
  const indexes: { name: string; definition: string }[] = await db.query(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass AND NOT x.indisprimary AND NOT x.indisunique
     ORDER BY i.relname`,
    [`${ident(shadow)}.jobs`],
  );
  for (const { name } of indexes) await db.query(`DROP INDEX ${ident(shadow)}.${ident(name)}`);
  return indexes.map((index) => index.definition);
}

/** Creates the indexes `deferListingIndexes` dropped (their definitions name the shadow schema). */
export async function restoreIndexes(db: Queryable, definitions: readonly string[]): Promise<void> {
  for (const definition of definitions) await db.query(definition);
}
