import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import { JobThroughputQueries } from './job-throughput-queries';

/** `GET /admin/throughput`'s query against a real PostgreSQL (the harness's), in a database of its own. */
const database = `job_throughput_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;
let queries: JobThroughputQueries;

const from = new Date('2025-03-01T10:00:00.000Z');
const at = (seconds: number): Date => new Date(from.getTime() + seconds * 1000);

async function insertJob(
  type: string,
  createdAt: Date | null,
  finishedAt: Date | null,
  requested = true,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO jobs (id, tenant_id, type, status, correlation_id, requested, created_at, finished_at)
     VALUES ($1, 't', $2, $3, 'c', $4, $5, $6)`,
    [randomUUID(), type, finishedAt ? 'SUCCEEDED' : 'RUNNING', requested, createdAt, finishedAt],
  );
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'job-throughput-int-spec');
  queries = new JobThroughputQueries(dataSource);
});

afterAll(() => dropMigratedDatabase(dataSource, database));

describe('JobThroughputQueries.finishedBuckets', () => {
  it('counts finished jobs per interval and type, and for every type, with latency percentiles', async () => {
    // Interval 0 (10 s): scrape jobs of 100, 200, 300 ms and a risk job of 1 s.
    await insertJob('scrape', at(1), new Date(at(1).getTime() + 100));
    await insertJob('scrape', at(2), new Date(at(2).getTime() + 200));
    await insertJob('scrape', at(3), new Date(at(3).getTime() + 300));
    await insertJob('risk', at(4), at(5));
    // Interval 2: one scrape job of 2 s.
    await insertJob('scrape', at(20), at(22));
    // Not counted: unfinished, finished outside [from, to), not requested (hidden), no creation time.
    await insertJob('scrape', at(1), null);
    await insertJob('scrape', at(-5), at(-1));
    await insertJob('scrape', at(29), at(30));
    await insertJob('scrape', at(1), at(2), false);
    await insertJob('scrape', null, at(2));

    const rows = await queries.finishedBuckets(from, at(30), 10);
    expect(rows.map(({ type, bucket, finished }) => ({ type, bucket, finished }))).toEqual([
      { type: null, bucket: 0, finished: 4 },
      { type: 'risk', bucket: 0, finished: 1 },
      { type: 'scrape', bucket: 0, finished: 3 },
      { type: null, bucket: 2, finished: 1 },
      { type: 'scrape', bucket: 2, finished: 1 },
    ]);
    const scrape = rows.find((row) => row.type === 'scrape' && row.bucket === 0);
    expect(scrape?.p50Ms).toBeCloseTo(200, 6);
    // Linear between 200 and 300 at 0.99 * (3 - 1) = 1.98.
    expect(scrape?.p99Ms).toBeCloseTo(298, 6);
    expect(rows.find((row) => row.type === 'risk')?.p50Ms).toBeCloseTo(1000, 6);
    expect(rows.find((row) => row.type === null && row.bucket === 2)?.p99Ms).toBeCloseTo(2000, 6);
  });

  it('reads the jobs_by_finish index for its window', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // A table this small would be scanned anyway: ask whether the index can serve the window.
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan: { 'QUERY PLAN': string }[] = await runner.query(
        `EXPLAIN SELECT count(*) FROM jobs WHERE requested AND finished_at >= $1 AND finished_at < $2`,
        [from, at(30)],
      );
      expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toContain('jobs_by_finish');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
