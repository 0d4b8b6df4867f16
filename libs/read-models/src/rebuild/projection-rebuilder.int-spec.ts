import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { PROJECTED_TOPICS, Topics, type JobEvent, type JobRequested } from '@app/contracts';
import { KafkaRuntime, traceIdOf, type EventConsumer } from '@app/platform';
import {
  jobRequested,
  stageAttemptFailed,
  stageCompleted,
  stageFailed,
  stageRetryScheduled,
  stageStarted,
} from '@app/contracts/testing';
import { runMigrations } from '../database';
import { applyEvents } from '../job-projection';
import { decodeCursor, JobQueries } from '../job-queries';
import { ProjectionRebuilder, RebuildInProgressError, type RebuildHooks } from './projection-rebuilder';
import { holdProjectionSwap } from './rebuild-locks';
import { createMigratedDatabase, harnessKafkaConfig, requiredEnv } from '@app/test-support/harness-env';
import { eventually } from '@app/test-support/wait';

/**
 * ProjectionRebuilder against the harness's real Kafka and PostgreSQL: a live projector (the same
 * transaction as the projector service: shared swap lock + applyEvents) keeps `public` up to date
 * while rebuilds replay the log into a shadow schema and swap it in. Topics and groups live under a
 * random prefix, the read models in a database of this file's own.
 */

const suffix = randomBytes(4).toString('hex');
const database = `rebuild_${suffix}`;
const adminUrl = requiredEnv('DATABASE_URL');
const kafkaConfig = harnessKafkaConfig('projection-rebuilder-int-spec', 3, `rebuild-${suffix}.`);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const tenantId = `t-${suffix}`;
const GROUP = 'projector';

let dataSource: DataSource;
let queries: JobQueries;
let kafka: KafkaRuntime;
let live: EventConsumer;
const jobIds: string[] = [];
let published = 0;

async function publish(events: JobEvent[]): Promise<void> {
  await kafka.publisher.publish(
    events.map((event) => ({
      topic: event.type === 'JobRequested' ? Topics.JobsRequested : Topics.ScrapeEvents,
      event,
    })),
  );
  published += events.length;
}

/** A job's events in log order per topic; shapes cycle through every fold path. */
function jobHistory(i: number): { request: JobRequested; events: JobEvent[] } {
  const jobId = randomUUID();
  const base = Date.parse('2025-06-01T00:00:00.000Z') + i * 1000;
  const at = (ms: number): string => new Date(base + ms).toISOString();
  const request = jobRequested({ jobId, tenantId, occurredAt: at(0), url: `https://example.com/${i}` });
  const retry = stageRetryScheduled(request, request, 2, at(20));
  switch (i % 6) {
    case 0:
      return {
        request,
        events: [request, stageStarted(request, 1, at(10)), stageCompleted(request, 1, at(20))],
      };
    case 1:
      return {
        request,
        events: [request, stageStarted(request, 1, at(10)), stageFailed(request, 1, at(20))],
      };
    case 2:
      return {
        request,
        events: [
          request,
          stageStarted(request, 1, at(10)),
          stageAttemptFailed(request, 1, at(20)),
          stageStarted(retry, 2, at(30)),
          stageCompleted(retry, 2, at(40)),
        ],
      };
    case 3:
      return { request, events: [request, stageStarted(request, 1, at(10))] };
    case 4:
      return { request, events: [request] };
    default:
      // Same millisecond for request and start: history order falls back to topic and offset.
      return {
        request,
        events: [stageStarted(request, 1, at(0)), request, stageCompleted(request, 1, at(5))],
      };
  }
}

async function publishJobs(count: number): Promise<string[]> {
  const ids: string[] = [];
  const events: JobEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const { request, events: history } = jobHistory(jobIds.length + i);
    ids.push(request.jobId);
    events.push(...history);
  }
  await publish(events);
  jobIds.push(...ids);
  return ids;
}

async function projectedEvents(): Promise<number> {
  const [row]: { n: string }[] = await dataSource.query(`SELECT count(*) AS n FROM job_events`);
  return Number(row.n);
}

const caughtUp = (): Promise<number> =>
  eventually(`the live projector to apply ${published} events`, async () => {
    const n = await projectedEvents();
    return n === published ? n : undefined;
  });

/** Every answer the API gives about the jobs, as JSON text. */
async function snapshot(): Promise<string> {
  const jobs: unknown[] = [];
  for (const id of jobIds) {
    jobs.push({ job: await queries.getJob(tenantId, id), events: await queries.getEvents(tenantId, id) });
  }
  const pages: unknown[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<JobQueries['listJobs']>> = await queries.listJobs({
      tenantId,
      limit: 7,
      cursor: cursor === null ? undefined : decodeCursor(cursor)!,
    });
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null);
  for (const status of ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const) {
    pages.push(await queries.listJobs({ tenantId, status, limit: 200 }));
  }
  return JSON.stringify({ jobs, pages });
}

async function schemas(pattern: string): Promise<string[]> {
  const rows: { nspname: string }[] = await dataSource.query(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY nspname`,
    [pattern],
  );
  return rows.map((row) => row.nspname);
}

const rebuilder = (hooks?: RebuildHooks, batchSize = 40): ProjectionRebuilder =>
  new ProjectionRebuilder({
    dataSource,
    kafka: kafkaConfig,
    logger,
    projectorGroupId: GROUP,
    batchSize,
    hooks,
  });

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'rebuild-int-spec', 10);
  queries = new JobQueries(dataSource);
  kafka = new KafkaRuntime(kafkaConfig, logger);
  await kafka.connect(PROJECTED_TOPICS);
  live = kafka.consumer({
    groupId: GROUP,
    topics: [...PROJECTED_TOPICS],
    fromBeginning: true,
    partitionsConsumedConcurrently: 3,
    maxBatchSize: 100,
    handler: {
      // What the projector's ProjectionBatchHandler does.
      handleBatch: async (events) => {
        await dataSource.transaction(async (manager) => {
          await holdProjectionSwap(manager);
          await applyEvents(
            manager,
            events.map((consumed) => ({ ...consumed, traceId: traceIdOf(consumed.headers) })),
          );
        });
      },
    },
  });
  await live.start();
  await publishJobs(60);
  await caughtUp();
}, 120_000);

afterAll(async () => {
  await kafka?.close();
  if (dataSource?.isInitialized) await dataSource.destroy();
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

describe('ProjectionRebuilder', () => {
  it('reports idle before any rebuild, with the live projector lag', async () => {
    const status = await rebuilder().status();
    expect(status).toMatchObject({ state: 'idle', rebuildId: null, eventsApplied: 0 });
    await eventually('lag 0', async () => ((await rebuilder().status()).lag?.total === 0 ? true : undefined));
  });

  it('rebuilds every job, result and history identically and swaps atomically', async () => {
    await dataSource.query(
      `INSERT INTO gateway.idempotency_keys (tenant_id, key, request_hash, job_id, state) VALUES ($1, 'k1', 'h', $2, 'published')`,
      [tenantId, jobIds[0]],
    );
    const before = await snapshot();
    const subject = rebuilder();
    const result = await subject.rebuild();

    expect(result).toMatchObject({
      state: 'succeeded',
      error: null,
      eventsRead: published,
      eventsApplied: published,
    });
    expect(result.eventsTotal).toBe(published);
    expect(result.eventsPerSecond).toBeGreaterThan(0);
    expect(await snapshot()).toBe(before);

    const status = await subject.status();
    expect(status).toMatchObject({
      state: 'succeeded',
      rebuildId: result.id,
      eventsApplied: published,
      eventsTotal: published,
      progress: 1,
      error: null,
      lag: { group: GROUP, total: 0 },
    });
    expect(status.finishedAt).not.toBeNull();
    // Another instance (e.g. the projector after the CLI ran) reads the same from ops.projection_rebuilds.
    expect(await rebuilder().status()).toMatchObject({ state: 'succeeded', rebuildId: result.id });

    // Not projections: kept across the swap.
    expect(
      await dataSource.query(`SELECT key FROM gateway.idempotency_keys WHERE tenant_id = $1`, [tenantId]),
    ).toEqual([{ key: 'k1' }]);
    expect(await runMigrations(dataSource)).toEqual([]);
    const [migrations]: { n: string }[] = await dataSource.query(
      `SELECT count(*) AS n FROM public.schema_migrations`,
    );
    expect(Number(migrations.n)).toBeGreaterThanOrEqual(2);
    expect(await schemas('rebuild\\_%')).toEqual([]);
    expect(await schemas('retired\\_%')).toHaveLength(1);

    // The live projector goes on projecting into the new tables.
    const [fresh] = await publishJobs(1);
    await caughtUp();
    expect(await queries.getJob(tenantId, fresh)).toMatchObject({ id: fresh, status: 'SUCCEEDED' });
  });

  it('keeps events published during the rebuild (caught up in the swap or by the live projector)', async () => {
    let during: string[] = [];
    const result = await rebuilder({
      afterBatch: async ({ batches }) => {
        if (batches === 1) during = await publishJobs(12);
      },
    }).rebuild();
    expect(result.state).toBe('succeeded');
    expect(during).toHaveLength(12);
    await caughtUp();
    for (const id of during) expect(await queries.getJob(tenantId, id)).not.toBeNull();
    const after = await snapshot();
    // And a second rebuild of that state changes nothing; only the newest retired schema is kept.
    expect((await rebuilder(undefined, 5000).rebuild()).state).toBe('succeeded');
    expect(await snapshot()).toBe(after);
    expect(await schemas('retired\\_%')).toHaveLength(1);
  });

  it('refuses a second rebuild while one runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = rebuilder({ afterShadowCreated: () => gate });
    const started = await first.start();
    expect(started.state).toBe('running');
    await expect(first.start()).rejects.toBeInstanceOf(RebuildInProgressError);
    // Also from another instance (another process): the lock is in PostgreSQL.
    await expect(rebuilder().start()).rejects.toBeInstanceOf(RebuildInProgressError);
    expect((await rebuilder().status()).state).toBe('running');
    release();
    await eventually('the first rebuild to finish', async () => {
      const { state } = await first.status();
      return state === 'succeeded' ? state : undefined;
    });
  });

  it.each([
    [
      'while replaying (a batch fails)',
      { afterBatch: ({ batches }: { batches: number }) => fail(batches === 2) },
    ],
    ['inside the swap transaction', { beforeSwap: () => fail(true) }],
  ])('leaves the current read models serving when it fails %s', async (_when, hooks: RebuildHooks) => {
    const before = await snapshot();
    const [tablesBefore]: { oid: string }[] = await dataSource.query(
      `SELECT 'public.jobs'::regclass::oid AS oid`,
    );
    const subject = rebuilder(hooks);
    const result = await subject.rebuild();

    expect(result.state).toBe('failed');
    expect(result.error).toBe('injected fault');
    expect(await snapshot()).toBe(before);
    const [tablesAfter]: { oid: string }[] = await dataSource.query(
      `SELECT 'public.jobs'::regclass::oid AS oid`,
    );
    expect(tablesAfter.oid).toBe(tablesBefore.oid);
    expect(await schemas('rebuild\\_%')).toEqual([]);
    expect(await subject.status()).toMatchObject({ state: 'failed', error: 'injected fault' });

    // The swap lock was released: live projection goes on.
    const [fresh] = await publishJobs(1);
    await caughtUp();
    expect(await queries.getJob(tenantId, fresh)).not.toBeNull();
  });
});

function fail(when: boolean): void {
  if (when) throw new Error('injected fault');
}
