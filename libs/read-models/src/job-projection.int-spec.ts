import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  EVENT_VERSIONS,
  jobCancelRequestedEventId,
  rerunEvent,
  type JobCancelRequested,
  type JobEvent,
  type JobRequested,
  type JobType,
} from '@app/contracts';
import {
  jobRequested,
  scrapeResult,
  stageAttemptFailed,
  stageCompleted,
  stageFailed,
  stageRetryScheduled,
  stageStarted,
} from '@app/contracts/testing';
import { runMigrations } from './database';
import { createMigratedDatabase, requiredEnv } from '@app/test-support/harness-env';
import { applyEvents, foldCancellations, foldJobRequested, type ProjectableEvent } from './job-projection';
import { decodeCursor, JobQueries } from './job-queries';
import { JobSubmissions } from './job-submissions';
import type { JobView } from './job-views';

/**
 * The read-model folds and queries against a real PostgreSQL (the harness's), in a database of this
 * file's own, created and migrated here and dropped afterwards.
 */

const database = `read_models_${randomBytes(4).toString('hex')}`;
const adminUrl = requiredEnv('DATABASE_URL');
let dataSource: DataSource;
let queries: JobQueries;

/** Log positions: each topic's offsets grow in publishing order, like Kafka's. */
const offsets = new Map<string, number>();
function positioned(event: JobEvent): ProjectableEvent {
  const topic = event.type === 'JobRequested' ? 'jobs.requested' : 'scrape.events';
  const offset = offsets.get(topic) ?? 0;
  offsets.set(topic, offset + 1);
  return { event, topic, partition: 0, offset: String(offset) };
}

const apply = (events: ProjectableEvent[]): Promise<number> =>
  dataSource.transaction((manager) => applyEvents(manager, events));

/** A tenant of its own per test keeps the tests independent inside the shared database. */
const newTenant = (): string => `t-${randomUUID().slice(0, 8)}`;

interface Timeline {
  tenantId: string;
  request: JobRequested;
  at: (ms: number) => string;
}

/** A job requested at `base` (ISO), with stage events at `base + ms`. */
function timeline(tenantId = newTenant(), base = '2025-03-01T10:00:00.000Z', jobId = randomUUID()): Timeline {
  const start = Date.parse(base);
  return {
    tenantId,
    request: jobRequested({ jobId, tenantId, occurredAt: base }),
    at: (ms) => new Date(start + ms).toISOString(),
  };
}

async function counts(jobId: string): Promise<{ events: number; stages: number; jobs: number }> {
  const [row]: { events: string; stages: string; jobs: string }[] = await dataSource.query(
    `SELECT (SELECT count(*) FROM job_events WHERE job_id = $1) AS events,
            (SELECT count(*) FROM job_stages WHERE job_id = $1) AS stages,
            (SELECT count(*) FROM jobs WHERE id = $1) AS jobs`,
    [jobId],
  );
  return { events: Number(row.events), stages: Number(row.stages), jobs: Number(row.jobs) };
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'read-models-int-spec');
  queries = new JobQueries(dataSource);
});

afterAll(async () => {
  if (dataSource?.isInitialized) await dataSource.destroy();
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  } finally {
    await admin.end();
  }
});

describe('migrations', () => {
  it('are already applied: running them again applies nothing', async () => {
    expect(await runMigrations(dataSource)).toEqual([]);
  });
});

describe('applyEvents', () => {
  it('applies the same events only once (rows and attempts unchanged on redelivery)', async () => {
    const { tenantId, request, at } = timeline();
    const failedOnce = stageAttemptFailed(request, 1, at(20));
    const retry = stageRetryScheduled(request, request, 2, at(20));
    const events = [
      positioned(request),
      positioned(stageStarted(request, 1, at(10))),
      positioned(failedOnce),
      positioned(stageStarted(retry, 2, at(30))),
      positioned(stageCompleted(retry, 2, at(40))),
    ];
    expect(await apply(events)).toBe(5);
    const before = await queries.getJob(tenantId, request.jobId);
    const rowsBefore = await counts(request.jobId);

    expect(await apply(events)).toBe(0);
    // A redelivered batch that also contains a duplicate within itself.
    expect(await apply([events[1], events[1], events[4]])).toBe(0);

    expect(await counts(request.jobId)).toEqual(rowsBefore);
    expect(rowsBefore).toEqual({ events: 5, stages: 1, jobs: 1 });
    const after = await queries.getJob(tenantId, request.jobId);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  it('applies a duplicate inside one batch once', async () => {
    const { request, at } = timeline();
    const started = positioned(stageStarted(request, 1, at(10)));
    expect(await apply([positioned(request), started, started])).toBe(2);
    expect(await counts(request.jobId)).toEqual({ events: 2, stages: 1, jobs: 1 });
  });

  it('ends SUCCEEDED with the input once a request arrives after its stage events', async () => {
    const { tenantId, request, at } = timeline();
    await apply([
      positioned(stageStarted(request, 1, at(10))),
      positioned(stageCompleted(request, 1, at(20))),
    ]);
    // Not visible before its request arrived.
    expect(await queries.getJob(tenantId, request.jobId)).toBeNull();
    expect((await queries.listJobs({ tenantId, limit: 10 })).items).toEqual([]);

    await apply([positioned(request)]);
    const job = await queries.getJob(tenantId, request.jobId);
    expect(job).toMatchObject({
      id: request.jobId,
      type: 'scrape',
      status: 'SUCCEEDED',
      priority: 'normal',
      input: { url: 'https://example.com/page' },
      result: scrapeResult(),
      error: null,
      attempts: 1,
      correlationId: request.correlationId,
      createdAt: request.occurredAt,
      startedAt: at(10),
      finishedAt: at(20),
    });
    expect(job?.stages).toEqual([
      {
        stage: 'scrape',
        status: 'SUCCEEDED',
        attempts: 1,
        stageVersion: '1',
        error: null,
        startedAt: at(10),
        finishedAt: at(20),
      },
    ]);
  });

  it('answers a job alike through getJob (one statement) and listJobs (job rows, then their stages)', async () => {
    const { tenantId, request, at } = timeline();
    const error = { code: 'HTTP_503', message: 'unavailable', retryable: true };
    await apply([
      positioned(request),
      positioned(stageStarted(request, 1, at(10))),
      positioned(stageAttemptFailed(request, 1, at(20))),
      positioned(stageFailed(request, 2, at(30), error)),
    ]);
    const single = await queries.getJob(tenantId, request.jobId);
    const listed = (await queries.listJobs({ tenantId, limit: 10 })).items;
    expect(single?.stages).toEqual([
      expect.objectContaining({
        stage: 'scrape',
        status: 'FAILED',
        error,
        startedAt: at(10),
        finishedAt: at(30),
      }),
    ]);
    expect(listed).toEqual([single]);
  });

  it('does not move a terminal status back (StageStarted after StageCompleted)', async () => {
    const { tenantId, request, at } = timeline();
    await apply([positioned(request), positioned(stageCompleted(request, 1, at(20)))]);
    await apply([positioned(stageStarted(request, 1, at(10)))]);
    const job = await queries.getJob(tenantId, request.jobId);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      result: scrapeResult(),
      finishedAt: at(20),
      startedAt: at(10),
    });
    expect(job?.stages[0]).toMatchObject({ status: 'SUCCEEDED', finishedAt: at(20) });
  });

  it('keeps FAILED and its error when later events arrive', async () => {
    const { tenantId, request, at } = timeline();
    const error = { code: 'HTTP_404', message: 'not found', retryable: false };
    await apply([positioned(request), positioned(stageFailed(request, 1, at(30), error))]);
    await apply([
      positioned(stageStarted(request, 1, at(10))),
      positioned(stageAttemptFailed(request, 1, at(20))),
    ]);
    const job = await queries.getJob(tenantId, request.jobId);
    expect(job).toMatchObject({ status: 'FAILED', error, result: null, finishedAt: at(30) });
    expect(job?.stages[0]).toMatchObject({ status: 'FAILED', error, finishedAt: at(30) });
  });

  it('does not let a late StageCompleted overwrite FAILED', async () => {
    const { tenantId, request, at } = timeline();
    const error = { code: 'TIMEOUT', message: 'too slow', retryable: true };
    await apply([positioned(request), positioned(stageFailed(request, 1, at(30), error))]);
    await apply([positioned(stageCompleted(request, 1, at(40)))]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({
      status: 'FAILED',
      error,
      result: null,
    });
  });

  it('counts attempts as the highest attempt seen, in any arrival order', async () => {
    const { tenantId, request, at } = timeline();
    const retry2 = stageRetryScheduled(request, request, 2, at(15));
    const retry3 = stageRetryScheduled(retry2, request, 3, at(35));
    await apply([positioned(stageStarted(retry3, 3, at(40)))]);
    await apply([
      positioned(stageStarted(request, 1, at(10))),
      positioned(stageAttemptFailed(retry2, 2, at(30))),
    ]);
    await apply([positioned(request), positioned(stageStarted(retry2, 2, at(20)))]);
    const job = await queries.getJob(tenantId, request.jobId);
    expect(job).toMatchObject({ status: 'RUNNING', attempts: 3, startedAt: at(10) });
    expect(job?.stages[0]).toMatchObject({ status: 'RUNNING', attempts: 3 });
  });

  /** Types of the job's history, in order, with their attempts. */
  async function history(tenantId: string, jobId: string): Promise<string[]> {
    const events = (await queries.getEvents(tenantId, jobId)) ?? [];
    return events.map((e) => {
      const { attempt } = e.data as { attempt?: number };
      return attempt === undefined ? e.type : `${e.type}#${attempt}`;
    });
  }

  it('keeps the first outcome of an attempt when a redelivered re-run ends differently', async () => {
    // Attempt 1 failed (retry scheduled); the stage died before committing, re-ran attempt 1 and it
    // succeeded this time; the scheduled attempt 2 ran as well.
    const { tenantId, request, at } = timeline();
    const retry2 = stageRetryScheduled(request, request, 2, at(15));
    await apply([
      positioned(request),
      positioned(stageStarted(request, 1, at(10))),
      positioned(stageAttemptFailed(request, 1, at(15))),
    ]);
    await apply([
      positioned(stageCompleted(request, 1, at(30), scrapeResult({ title: 'from the re-run' }))),
      positioned(stageStarted(retry2, 2, at(40))),
      positioned(stageCompleted(retry2, 2, at(50))),
    ]);
    expect(await history(tenantId, request.jobId)).toEqual([
      'JobRequested',
      'StageStarted#1',
      'StageAttemptFailed#1',
      'StageStarted#2',
      'StageCompleted#2',
    ]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      result: scrapeResult(),
      finishedAt: at(50),
    });
  });

  it('applies nothing of a later attempt once the stage ended (a re-run failed after a success)', async () => {
    const { tenantId, request, at } = timeline();
    const retry2 = stageRetryScheduled(request, request, 2, at(25));
    // All in one batch: the rules hold inside a batch as across batches.
    await apply([
      positioned(request),
      positioned(stageStarted(request, 1, at(10))),
      positioned(stageCompleted(request, 1, at(20))),
      positioned(stageAttemptFailed(request, 1, at(25))),
      positioned(stageStarted(retry2, 2, at(30))),
      positioned(stageFailed(retry2, 2, at(40))),
    ]);
    expect(await history(tenantId, request.jobId)).toEqual([
      'JobRequested',
      'StageStarted#1',
      'StageCompleted#1',
    ]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      error: null,
    });
  });

  it('moves PENDING to RUNNING on StageStarted', async () => {
    const { tenantId, request, at } = timeline();
    await apply([positioned(request)]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({
      status: 'PENDING',
      attempts: 0,
      stages: [],
    });
    await apply([positioned(stageStarted(request, 1, at(10)))]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({ status: 'RUNNING', attempts: 1 });
  });

  it('is not affected by a request the gateway pre-applied (foldJobRequested) before the projector', async () => {
    const { tenantId, request, at } = timeline();
    await foldJobRequested(dataSource, request);
    await apply([positioned(stageCompleted(request, 1, at(10)))]);
    await apply([positioned(request)]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(await counts(request.jobId)).toEqual({ events: 2, stages: 1, jobs: 1 });
  });

  it('returns 0 for an empty batch', async () => {
    expect(await apply([])).toBe(0);
  });
});

describe('runs and stage versions', () => {
  const error = { code: 'HTTP_404', message: 'not found', retryable: false };

  /** Run 0 fails; run 1 (a retry: a copy of the request) succeeds. */
  function twoRuns(): { t: Timeline; run0: JobEvent[]; run1: JobEvent[] } {
    const t = timeline();
    const copy = rerunEvent(t.request, 1, new Date(t.at(100)));
    return {
      t,
      run0: [t.request, stageStarted(t.request, 1, t.at(10)), stageFailed(t.request, 1, t.at(20), error)],
      run1: [copy, stageStarted(copy, 1, t.at(110)), stageCompleted(copy, 1, t.at(120))],
    };
  }

  it('a new run resets the job, and its outcome replaces the old one', async () => {
    const { t, run0, run1 } = twoRuns();
    await apply(run0.map(positioned));
    expect(await queries.getJob(t.tenantId, t.request.jobId)).toMatchObject({ status: 'FAILED', run: 0 });
    await apply([positioned(run1[0])]);
    expect(await queries.getJob(t.tenantId, t.request.jobId)).toMatchObject({
      status: 'PENDING',
      run: 1,
      error: null,
      attempts: 0,
      finishedAt: null,
    });
    await apply(run1.slice(1).map(positioned));
    const job = await queries.getJob(t.tenantId, t.request.jobId);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      run: 1,
      error: null,
      result: scrapeResult(),
      attempts: 1,
    });
    expect(job?.stages).toMatchObject([{ stage: 'scrape', status: 'SUCCEEDED', error: null }]);
    expect((await queries.getEvents(t.tenantId, t.request.jobId))?.map((e) => e.run ?? 0)).toEqual([
      0, 0, 0, 1, 1, 1,
    ]);
  });

  it('ends the same whatever order the runs’ events are folded in (a rebuild across topics)', async () => {
    const inOrder = twoRuns();
    await apply([...inOrder.run0, ...inOrder.run1].map(positioned));
    const reordered = twoRuns();
    // The later run's stage events first, then the old run, then the copy of the request.
    await apply(reordered.run1.slice(1).map(positioned));
    await apply(reordered.run0.map(positioned));
    await apply([positioned(reordered.run1[0])]);
    const strip = (job: JobView | null): unknown =>
      job && { ...job, id: undefined, tenantId: undefined, input: undefined, traceId: undefined };
    const a = await queries.getJob(inOrder.t.tenantId, inOrder.t.request.jobId);
    const b = await queries.getJob(reordered.t.tenantId, reordered.t.request.jobId);
    expect(a).toMatchObject({ status: 'SUCCEEDED', run: 1 });
    expect(strip(b)).toEqual(strip(a));
  });

  it('ignores a late event of an older run', async () => {
    const { t, run0, run1 } = twoRuns();
    await apply([...run0.slice(0, 2), ...run1].map(positioned));
    await apply([positioned(run0[2])]);
    expect(await queries.getJob(t.tenantId, t.request.jobId)).toMatchObject({ status: 'SUCCEEDED', run: 1 });
  });

  it('lets another stage version’s later outcome supersede, but not the same version’s', async () => {
    const t = timeline();
    const v1 = stageCompleted(t.request, 1, t.at(10), scrapeResult({ title: 'v1' }));
    await apply([positioned(t.request), positioned(v1)]);
    const v2base = stageCompleted(t.request, 1, t.at(50), scrapeResult({ title: 'v2' }));
    const v2: JobEvent = { ...v2base, id: randomUUID(), data: { ...v2base.data, stageVersion: '2' } };
    await apply([positioned(v2)]);
    const job = await queries.getJob(t.tenantId, t.request.jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', result: { title: 'v2' }, finishedAt: t.at(50) });
    expect(job?.stages[0]).toMatchObject({ stageVersion: '2', status: 'SUCCEEDED', finishedAt: t.at(50) });
    const sameVersion: JobEvent = {
      ...v2base,
      id: randomUUID(),
      occurredAt: t.at(90),
      data: { ...v2base.data, stageVersion: '2', result: { ...scrapeResult({ title: 'late' }) } },
    };
    await apply([positioned(sameVersion)]);
    expect(await queries.getJob(t.tenantId, t.request.jobId)).toMatchObject({ result: { title: 'v2' } });
  });

  it('keeps a cancellation to its run: a re-run after it runs', async () => {
    const t = timeline();
    const cancel: JobEvent = {
      ...t.request,
      id: randomUUID(),
      type: 'JobCancelRequested',
      causationId: null,
      occurredAt: t.at(5),
      data: { reason: null },
    };
    await apply([positioned(t.request), positioned(cancel)]);
    expect(await queries.getJob(t.tenantId, t.request.jobId)).toMatchObject({ status: 'CANCELLED' });
    const copy = rerunEvent(t.request, 1, new Date(t.at(100)));
    await apply([positioned(copy), positioned(stageCompleted(copy, 1, t.at(120)))]);
    expect(await queries.getJob(t.tenantId, t.request.jobId)).toMatchObject({ status: 'SUCCEEDED', run: 1 });
  });
});

describe('JobQueries', () => {
  it('getJob returns null for an unknown id and for another tenant’s job', async () => {
    const { tenantId, request } = timeline();
    await apply([positioned(request)]);
    expect(await queries.getJob(tenantId, randomUUID())).toBeNull();
    expect(await queries.getJob(newTenant(), request.jobId)).toBeNull();
    expect(await queries.getEvents(tenantId, randomUUID())).toBeNull();
    expect(await queries.getEvents(newTenant(), request.jobId)).toBeNull();
  });

  describe('listJobs', () => {
    const tenantId = newTenant();
    /** Nine jobs, newest first by construction: distinct times, plus two sharing one (tie -> id DESC). */
    let newestFirst: string[] = [];
    const states = new Map<string, string>();

    beforeAll(async () => {
      const events: ProjectableEvent[] = [];
      const jobs: { id: string; createdAt: string }[] = [];
      for (let i = 0; i < 9; i += 1) {
        const createdAt = new Date(
          Date.parse('2025-04-01T00:00:00.000Z') + Math.min(i, 7) * 1000,
        ).toISOString();
        const { request, at } = timeline(tenantId, createdAt);
        jobs.push({ id: request.jobId, createdAt });
        events.push(positioned(request));
        if (i % 3 === 1) {
          events.push(positioned(stageCompleted(request, 1, at(100))));
          states.set(request.jobId, 'SUCCEEDED');
        } else if (i % 3 === 2) {
          events.push(positioned(stageFailed(request, 1, at(100))));
          states.set(request.jobId, 'FAILED');
        } else {
          states.set(request.jobId, 'PENDING');
        }
      }
      await apply(events);
      newestFirst = jobs
        .sort((a, b) =>
          a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.id < b.id ? 1 : -1,
        )
        .map((job) => job.id);
    });

    it('lists newest first (ties by id), limited, with a cursor when there is more', async () => {
      const page = await queries.listJobs({ tenantId, limit: 4 });
      expect(page.items.map((job) => job.id)).toEqual(newestFirst.slice(0, 4));
      expect(page.nextCursor).not.toBeNull();
      expect(decodeCursor(page.nextCursor!)).toMatchObject({ id: newestFirst[3] });
    });

    it('pages through every job exactly once with the cursor', async () => {
      for (const limit of [1, 2, 4, 9]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Awaited<ReturnType<JobQueries['listJobs']>> = await queries.listJobs({
            tenantId,
            limit,
            cursor: cursor === null ? undefined : decodeCursor(cursor)!,
          });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((job) => job.id));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== null && pages < 20);
        expect(seen).toEqual(newestFirst);
        expect(pages).toBe(Math.ceil(9 / limit));
      }
    });

    it('filters by status', async () => {
      for (const status of ['PENDING', 'SUCCEEDED', 'FAILED'] as const) {
        const page = await queries.listJobs({ tenantId, status, limit: 50 });
        expect(page.items.map((job) => job.id)).toEqual(
          newestFirst.filter((id) => states.get(id) === status),
        );
        expect(page.items.every((job: JobView) => job.status === status)).toBe(true);
        expect(page.nextCursor).toBeNull();
      }
      expect((await queries.listJobs({ tenantId, status: 'CANCELLED', limit: 50 })).items).toEqual([]);
    });

    it('filters by type, and combines filters with the cursor', async () => {
      const other = jobRequested({ jobId: randomUUID(), tenantId, occurredAt: '2025-04-02T00:00:00.000Z' });
      const otherType = { ...other, data: { ...other.data, jobType: 'risk' as JobType } };
      // Another job type (its events are not validated by the fold) must not show under type=scrape.
      await foldJobRequested(dataSource, otherType);
      const scrape = await queries.listJobs({ tenantId, type: 'scrape', limit: 50 });
      expect(scrape.items.map((job) => job.id)).toEqual(newestFirst);
      const risk = await queries.listJobs({ tenantId, type: 'risk', limit: 50 });
      expect(risk.items.map((job) => job.id)).toEqual([other.jobId]);

      const failed = newestFirst.filter((id) => states.get(id) === 'FAILED');
      const first = await queries.listJobs({ tenantId, type: 'scrape', status: 'FAILED', limit: 2 });
      const second = await queries.listJobs({
        tenantId,
        type: 'scrape',
        status: 'FAILED',
        limit: 2,
        cursor: decodeCursor(first.nextCursor!)!,
      });
      expect([...first.items, ...second.items].map((job) => job.id)).toEqual(failed);
      expect(second.nextCursor).toBeNull();
    });

    it('filters by priority, correlation id and creation time, with the cursor', async () => {
      const tenant = newTenant();
      const base = Date.parse('2025-06-01T00:00:00.000Z');
      const jobs = [0, 1, 2, 3].map((i) => {
        const request = jobRequested({
          jobId: randomUUID(),
          tenantId: tenant,
          occurredAt: new Date(base + i * 60_000).toISOString(),
          correlationId: i < 2 ? 'batch-a' : 'batch-b',
        });
        return {
          ...request,
          data: { ...request.data, priority: i % 2 === 0 ? ('high' as const) : ('low' as const) },
        };
      });
      await apply(jobs.map((job) => positioned(job)));
      const ids = async (filter: Partial<Parameters<JobQueries['listJobs']>[0]>): Promise<string[]> =>
        (await queries.listJobs({ tenantId: tenant, limit: 50, ...filter })).items.map((job) => job.id);
      const [j0, j1, j2] = jobs.map((job) => job.jobId);

      expect(await ids({ priority: 'high' })).toEqual([j2, j0]);
      expect(await ids({ priority: 'normal' })).toEqual([]);
      expect(await ids({ correlationId: 'batch-a' })).toEqual([j1, j0]);
      expect(await ids({ correlationId: 'batch-a', priority: 'low' })).toEqual([j1]);
      // At or after the lower bound, before the upper one.
      const at = (i: number): Date => new Date(base + i * 60_000);
      expect(await ids({ createdAfter: at(1), createdBefore: at(3) })).toEqual([j2, j1]);
      expect(await ids({ createdAfter: at(4) })).toEqual([]);
      // Another tenant's jobs of the same correlation id stay out.
      expect(await ids({ tenantId: newTenant(), correlationId: 'batch-a' })).toEqual([]);
      const first = await queries.listJobs({ tenantId: tenant, createdBefore: at(3), limit: 2 });
      const second = await queries.listJobs({
        tenantId: tenant,
        createdBefore: at(3),
        limit: 2,
        cursor: decodeCursor(first.nextCursor!)!,
      });
      expect([...first.items, ...second.items].map((job) => job.id)).toEqual([j2, j1, j0]);
    });

    it('pages without gaps when creation times have sub-millisecond precision', async () => {
      const precise = newTenant();
      const times = [
        '2025-05-01T00:00:00.123900Z',
        '2025-05-01T00:00:00.123456Z',
        '2025-05-01T00:00:00.123100Z',
      ];
      const ids = times.map(() => randomUUID());
      await apply(
        times.map((occurredAt, i) =>
          positioned(jobRequested({ jobId: ids[i], tenantId: precise, occurredAt })),
        ),
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 5; pages += 1) {
        const page: Awaited<ReturnType<JobQueries['listJobs']>> = await queries.listJobs({
          tenantId: precise,
          limit: 1,
          cursor: cursor === null ? undefined : decodeCursor(cursor)!,
        });
        seen.push(...page.items.map((job) => job.id));
        cursor = page.nextCursor;
        if (cursor === null) break;
      }
      expect(seen).toEqual(ids);
    });
  });

  describe('getEvents', () => {
    it('returns the request first, then the stage events in log order, whatever the arrival order', async () => {
      const { tenantId, request, at } = timeline();
      const retry = stageRetryScheduled(request, request, 2, at(20));
      const history = [
        stageStarted(request, 1, at(10)),
        stageAttemptFailed(request, 1, at(20)),
        stageStarted(retry, 2, at(30)),
        stageCompleted(retry, 2, at(40)),
      ];
      const stagePositions = history.map(positioned);
      const requestPosition = positioned(request);
      // Arrival: stage events first (cross-topic order is not guaranteed), and shuffled across batches.
      await apply([stagePositions[2], stagePositions[0]]);
      await apply([stagePositions[3], requestPosition, stagePositions[1]]);
      const events = await queries.getEvents(tenantId, request.jobId);
      expect(events).toEqual([request, ...history]);
    });

    it('orders same-millisecond events: the request first, then by log offset', async () => {
      const { tenantId, request } = timeline(newTenant(), '2025-03-02T10:00:00.000Z');
      const sameTime = request.occurredAt;
      const started = stageStarted(request, 1, sameTime);
      const completed = stageCompleted(request, 1, sameTime);
      const positions = [positioned(started), positioned(completed)];
      await apply([positions[1], positions[0]]);
      await apply([positioned(request)]);
      expect(await queries.getEvents(tenantId, request.jobId)).toEqual([request, started, completed]);
    });
  });
});

describe('accepted requests before projection (JobSubmissions)', () => {
  const submissions = (): JobSubmissions => new JobSubmissions(dataSource);

  it('shows an accepted request as PENDING until the projection has it, then the projection', async () => {
    const { tenantId, request, at } = timeline(newTenant(), new Date().toISOString());
    await submissions().record([{ event: request, traceId: 'a'.repeat(32) }]);
    expect(await queries.getJob(tenantId, request.jobId)).toEqual({
      id: request.jobId,
      tenantId,
      type: request.data.jobType,
      status: 'PENDING',
      priority: request.data.priority,
      input: request.data.input,
      result: null,
      error: null,
      attempts: 0,
      run: 0,
      correlationId: request.correlationId,
      traceId: 'a'.repeat(32),
      createdAt: request.occurredAt,
      startedAt: null,
      finishedAt: null,
      stages: [],
      progress: null,
    });
    expect(await queries.getJob(newTenant(), request.jobId)).toBeNull();
    await apply([positioned(request), positioned(stageCompleted(request, 1, at(10)))]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('shows a request cancelled before the projection has it as CANCELLED, and it stays so', async () => {
    const { tenantId, request, at } = timeline(newTenant(), new Date().toISOString());
    await submissions().record([{ event: request, traceId: null }]);
    const cancel: JobCancelRequested = {
      id: jobCancelRequestedEventId(request.jobId),
      type: 'JobCancelRequested',
      version: EVENT_VERSIONS.JobCancelRequested,
      jobId: request.jobId,
      tenantId,
      correlationId: request.correlationId,
      causationId: null,
      occurredAt: at(5),
      data: { reason: null },
    };
    // What the gateway's DELETE pre-applies: the request is not projected yet, so a hidden placeholder.
    await foldCancellations(dataSource, [cancel]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({
      status: 'CANCELLED',
      finishedAt: cancel.occurredAt,
    });
    expect(await queries.getJob(newTenant(), request.jobId)).toBeNull();
    await apply([positioned(request), positioned(cancel)]);
    expect(await queries.getJob(tenantId, request.jobId)).toMatchObject({ status: 'CANCELLED' });
  });

  it('never touches the jobs rows the projector writes (a second record of a job is ignored)', async () => {
    const { request } = timeline(newTenant(), new Date().toISOString());
    await submissions().record([{ event: request, traceId: null }]);
    await submissions().record([{ event: request, traceId: null }]);
    expect(await counts(request.jobId)).toEqual({ events: 0, stages: 0, jobs: 0 });
  });

  it('prunes records accepted before the cutoff only', async () => {
    const old = timeline(newTenant(), '2020-01-01T00:00:00.000Z');
    const recent = timeline(newTenant(), new Date().toISOString());
    await submissions().record([
      { event: old.request, traceId: null },
      { event: recent.request, traceId: null },
    ]);
    expect(await submissions().pruneBefore(new Date('2021-01-01T00:00:00.000Z'))).toBeGreaterThanOrEqual(1);
    expect(await queries.getJob(old.tenantId, old.request.jobId)).toBeNull();
    expect(await queries.getJob(recent.tenantId, recent.request.jobId)).toMatchObject({ status: 'PENDING' });
  });
});
