import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import { PROJECTION_TABLES } from '../schema/read-model-ddl';
import { ShadowSchemas } from './shadow-schema';

/** ShadowSchemas against the harness's PostgreSQL, in a database of this file's own. */

const database = `shadow_schema_${randomBytes(4).toString('hex')}`;
const logger = pino({ level: 'silent' });
let dataSource: DataSource;
let schemas: ShadowSchemas;

async function schemaNames(pattern: string): Promise<string[]> {
  const rows: { nspname: string }[] = await dataSource.query(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY nspname`,
    [pattern],
  );
  return rows.map((row) => row.nspname);
}

async function tablesIn(schema: string): Promise<string[]> {
  const rows: { relname: string }[] = await dataSource.query(
    `SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r' ORDER BY relname`,
    [schema],
  );
  return rows.map((row) => row.relname);
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'shadow-schema-int-spec');
  schemas = new ShadowSchemas(dataSource);
});

afterAll(() => dropMigratedDatabase(dataSource, database));

describe('ShadowSchemas', () => {
  it('creates a shadow with exactly the empty projection tables, analyzes and drops it', async () => {
    await schemas.create('rebuild_1');
    expect(await tablesIn('rebuild_1')).toEqual([...PROJECTION_TABLES].sort());
    const [{ n }]: { n: string }[] = await dataSource.query(`SELECT count(*) AS n FROM rebuild_1.jobs`);
    expect(Number(n)).toBe(0);
    await schemas.analyze('rebuild_1');
    await schemas.drop('rebuild_1');
    await schemas.drop('rebuild_1');
    expect(await schemaNames('rebuild\\_%')).toEqual([]);
  });

  it('drops the shadows a dead rebuild left, and nothing else', async () => {
    await schemas.create('rebuild_2');
    await schemas.create('rebuild_3');
    await dataSource.query(`CREATE SCHEMA rebuilt_not_a_shadow`);
    await schemas.dropLeftovers();
    expect(await schemaNames('rebuil%')).toEqual(['rebuilt_not_a_shadow']);
    expect(await tablesIn('public')).toEqual(expect.arrayContaining([...PROJECTION_TABLES]));
  });

  it('keeps the newest retired schemas, and one something still depends on', async () => {
    for (const stamp of ['1', '2', '3', '4']) {
      await dataSource.query(`CREATE SCHEMA retired_${stamp}`);
      await dataSource.query(`CREATE TABLE retired_${stamp}.jobs (id int PRIMARY KEY)`);
    }
    await dataSource.query(`CREATE VIEW public.old_jobs AS SELECT id FROM retired_1.jobs`);
    const warn = jest.spyOn(logger, 'warn');

    await schemas.pruneRetired(2, logger);

    expect(await schemaNames('retired\\_%')).toEqual(['retired_1', 'retired_3', 'retired_4']);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ schema: 'retired_1' }),
      'kept a retired read-model schema: something depends on it',
    );
    expect(await tablesIn('retired_1')).toEqual(['jobs']);
  });
});
