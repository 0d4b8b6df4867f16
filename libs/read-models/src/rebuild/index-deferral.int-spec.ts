import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import { deferListingIndexes, restoreIndexes } from './index-deferral';
import { ShadowSchemas } from './shadow-schema';

/** Index deferral against the harness's PostgreSQL, on a shadow schema in a database of this file's own. */

const database = `index_deferral_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;

async function indexes(table: string): Promise<{ name: string; definition: string; unique: boolean }[]> {
  return dataSource.query(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition, x.indisunique AS unique
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass ORDER BY i.relname`,
    [table],
  );
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'index-deferral-int-spec');
  await new ShadowSchemas(dataSource).create('rebuild_1');
});

afterAll(() => dropMigratedDatabase(dataSource, database));

describe('deferListingIndexes', () => {
  it("drops only the shadow's listing indexes on jobs and restores the same ones", async () => {
    const before = await indexes('rebuild_1.jobs');
    const listing = before.filter((index) => !index.unique);
    expect(listing.length).toBeGreaterThan(0);
    const otherTables = await indexes('rebuild_1.job_events');
    const live = await indexes('public.jobs');

    const deferred = await deferListingIndexes(dataSource, 'rebuild_1');

    expect(deferred).toEqual(listing.map((index) => index.definition));
    expect(await indexes('rebuild_1.jobs')).toEqual(before.filter((index) => index.unique));
    expect(await indexes('rebuild_1.job_events')).toEqual(otherTables);
    expect(await indexes('public.jobs')).toEqual(live);

    await restoreIndexes(dataSource, deferred);
    expect(await indexes('rebuild_1.jobs')).toEqual(before);
  });
});
