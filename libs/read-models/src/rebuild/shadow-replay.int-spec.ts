import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { jobRequested, stageStarted } from '@app/contracts/testing';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import type { ProjectableEvent } from '../job-projection';
import { ShadowSchemas } from './shadow-schema';
import { writeInShadow } from './shadow-replay';

/** The replay's writes against the harness's PostgreSQL (the Kafka side runs in projection-rebuilder.int-spec). */

const database = `shadow_replay_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;

async function count(table: string): Promise<number> {
  const [{ n }]: { n: string }[] = await dataSource.query(`SELECT count(*) AS n FROM ${table}`);
  return Number(n);
}

function jobs(count: number): ProjectableEvent[] {
  const events: ProjectableEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const request = jobRequested({ jobId: randomUUID() });
    for (const event of [request, stageStarted(request, 1, '2025-01-02T03:04:06.000Z')])
      events.push({
        event,
        topic: 'jobs.requested',
        partition: 0,
        offset: String(events.length),
        traceId: null,
      });
  }
  return events;
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'shadow-replay-int-spec', 6);
  await new ShadowSchemas(dataSource).create('rebuild_1');
});

afterAll(() => dropMigratedDatabase(dataSource, database));

describe('writeInShadow', () => {
  it('folds a batch into the shadow only, split over the writers, counting new events once', async () => {
    const batch = jobs(10);
    expect(await writeInShadow(dataSource, 'rebuild_1', batch, 3)).toBe(20);
    expect(await count('rebuild_1.jobs')).toBe(10);
    expect(await count('rebuild_1.job_events')).toBe(20);
    expect(await count('public.jobs')).toBe(0);
    expect(await writeInShadow(dataSource, 'rebuild_1', batch, 3)).toBe(0);
  });

  it('rejects when one of its transactions fails, after the others ended', async () => {
    await expect(writeInShadow(dataSource, 'rebuild_missing', jobs(4), 2)).rejects.toThrow(/does not exist/);
  });
});
