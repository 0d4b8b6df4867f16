import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { jobRequested } from '@app/contracts/testing';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import { applyEvents } from '../job-projection';
import { holdProjectionSwap } from './rebuild-locks';
import { SchemaSwap } from './schema-swap';
import { ShadowSchemas } from './shadow-schema';

/**
 * SchemaSwap against the harness's PostgreSQL, in a database of this file's own: the swap lock keeps
 * live projection out, writes land in the shadow, and the swap moves only the projection tables.
 */

const database = `schema_swap_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;
let schemas: ShadowSchemas;

async function schemaOf(name: string, kind: 'regclass' | 'regtype' | 'regprocedure'): Promise<string> {
  const catalog = { regclass: 'pg_class', regtype: 'pg_type', regprocedure: 'pg_proc' }[kind];
  const column = { regclass: 'relnamespace', regtype: 'typnamespace', regprocedure: 'pronamespace' }[kind];
  const [row]: { nspname: string }[] = await dataSource.query(
    `SELECT n.nspname FROM ${catalog} o JOIN pg_namespace n ON n.oid = o.${column} WHERE o.oid = $1::${kind}`,
    [name],
  );
  return row.nspname;
}

async function jobCount(schema: string): Promise<number> {
  const [{ n }]: { n: string }[] = await dataSource.query(`SELECT count(*) AS n FROM ${schema}.jobs`);
  return Number(n);
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'schema-swap-int-spec', 6);
  schemas = new ShadowSchemas(dataSource);
});

afterAll(() => dropMigratedDatabase(dataSource, database));

describe('SchemaSwap', () => {
  it('waits for a live projection batch and gives up after its timeout', async () => {
    await schemas.create('rebuild_wait');
    const live = dataSource.createQueryRunner();
    await live.connect();
    await live.startTransaction();
    try {
      await holdProjectionSwap(live.manager);
      // lock_timeout and statement_timeout are equal: either may cancel the wait.
      await expect(SchemaSwap.begin(dataSource, 'rebuild_wait', 200)).rejects.toThrow(
        /(lock|statement) timeout/,
      );
    } finally {
      await live.rollbackTransaction();
      await live.release();
    }
    const swap = await SchemaSwap.begin(dataSource, 'rebuild_wait', 5000);
    await swap.abort();
    await schemas.drop('rebuild_wait');
  });

  it('holds live projection off until it ends', async () => {
    await schemas.create('rebuild_hold');
    const swap = await SchemaSwap.begin(dataSource, 'rebuild_hold', 5000);
    const live = dataSource.createQueryRunner();
    await live.connect();
    try {
      await live.startTransaction();
      await live.query(`SET LOCAL lock_timeout = '200ms'`);
      await expect(holdProjectionSwap(live.manager)).rejects.toThrow(/lock timeout/);
      await live.rollbackTransaction();
    } finally {
      await swap.abort();
      await live.release();
    }
    await schemas.drop('rebuild_hold');
  });

  it('writes into the shadow and, rolled back, leaves public as it was', async () => {
    await schemas.create('rebuild_rollback');
    const before = await jobCount('public');
    const swap = await SchemaSwap.begin(dataSource, 'rebuild_rollback', 5000);
    await applyEvents(swap.manager, [
      { event: jobRequested(), topic: 'jobs.requested', partition: 0, offset: '0', traceId: null },
    ]);
    await swap.swapIn('rebuild_rollback', 'retired_rollback');
    await swap.abort();
    expect(await jobCount('public')).toBe(before);
    expect(await jobCount('rebuild_rollback')).toBe(0);
    await schemas.drop('rebuild_rollback');
  });

  it('makes the shadow public, retires only the projection tables and moves everything else', async () => {
    await dataSource.query(`CREATE SEQUENCE public.invoice_numbers`);
    await dataSource.query(`CREATE TYPE public.mood AS ENUM ('calm', 'busy')`);
    await dataSource.query(
      `CREATE FUNCTION public.double_it(n int) RETURNS int LANGUAGE sql AS 'SELECT n * 2'`,
    );
    await dataSource.query(`CREATE TABLE public.notes (id serial PRIMARY KEY, mood public.mood)`);
    const [{ oid: oldJobs }]: { oid: string }[] = await dataSource.query(
      `SELECT 'public.jobs'::regclass::oid AS oid`,
    );
    await schemas.create('rebuild_ok');

    const swap = await SchemaSwap.begin(dataSource, 'rebuild_ok', 5000);
    await applyEvents(swap.manager, [
      { event: jobRequested(), topic: 'jobs.requested', partition: 0, offset: '0', traceId: null },
    ]);
    await swap.swapIn('rebuild_ok', 'retired_ok');
    await swap.commit();
    await swap.release();

    expect(await jobCount('public')).toBe(1);
    const [{ oid: retiredJobs }]: { oid: string }[] = await dataSource.query(
      `SELECT 'retired_ok.jobs'::regclass::oid AS oid`,
    );
    expect(retiredJobs).toBe(oldJobs);
    for (const name of [
      'public.schema_migrations',
      'public.invoice_numbers',
      'public.notes',
      'public.notes_id_seq',
    ])
      expect(await schemaOf(name, 'regclass')).toBe('public');
    expect(await schemaOf('public.mood', 'regtype')).toBe('public');
    expect(await schemaOf('public.double_it(int)', 'regprocedure')).toBe('public');
    const [{ twice }]: { twice: number }[] = await dataSource.query(`SELECT public.double_it(21) AS twice`);
    expect(twice).toBe(42);
    expect(
      await dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%'`),
    ).toEqual([]);
  });
});
