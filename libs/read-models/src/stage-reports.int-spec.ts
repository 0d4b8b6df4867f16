import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { rerunEvent, type JobEvent, type JobRequested } from '@app/contracts';
import {
  jobRequested,
  stageAttemptFailed,
  stageCompleted,
  stageLogged,
  stageProgressed,
  stageRetryScheduled,
  stageStarted,
} from '@app/contracts/testing';
import { createMigratedDatabase, requiredEnv } from '@app/test-support/harness-env';
import { applyEvents, type ProjectableEvent } from './job-projection';
import { JobQueries } from './job-queries';
import { JobLogQueries } from './job-log-queries';
import { decodeCursor } from './keyset-cursor';

/**
 * The fold of StageProgressed into `jobs.progress` and the log lines query, against a real PostgreSQL
 * (the harness's), in a database of this file's own.
 */

const database = `stage_reports_${randomBytes(4).toString('hex')}`;
const adminUrl = requiredEnv('DATABASE_URL');
let dataSource: DataSource;
let jobs: JobQueries;
let logs: JobLogQueries;

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

const base = Date.parse('2025-03-01T10:00:00.000Z');
const at = (ms: number): string => new Date(base + ms).toISOString();

function newJob(): { tenantId: string; request: JobRequested } {
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  return { tenantId, request: jobRequested({ jobId: randomUUID(), tenantId, occurredAt: at(0) }) };
}

async function progressOf(tenantId: string, id: string): Promise<unknown> {
  return (await jobs.getJob(tenantId, id))?.progress;
}

/** Rebuild-like: the same log folded again, in another database state (a fresh job id copy is not needed). */
async function projectionOf(tenantId: string, jobId: string): Promise<unknown> {
  const job = await jobs.getJob(tenantId, jobId);
  return job && { status: job.status, attempts: job.attempts, progress: job.progress, stages: job.stages };
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'stage-reports-int-spec');
  jobs = new JobQueries(dataSource);
  logs = new JobLogQueries(dataSource);
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

describe('jobs.progress', () => {
  it('is null until a stage reports, then the latest report; it changes neither status nor attempts', async () => {
    const { tenantId, request } = newJob();
    await apply([positioned(request)]);
    expect(await progressOf(tenantId, request.jobId)).toBeNull();
    await apply([positioned(stageProgressed(request, { done: 5, total: 10, seq: 1 }, at(10)))]);
    const job = await jobs.getJob(tenantId, request.jobId);
    expect(job?.status).toBe('PENDING');
    expect(job?.attempts).toBe(0);
    expect(job?.progress).toEqual({
      stage: 'scrape',
      attempt: 1,
      page: null,
      done: 5,
      total: 10,
      unit: 'bytes',
      message: null,
      at: at(10),
    });
    await apply([positioned(stageProgressed(request, { done: 8, total: null, seq: 2 }, at(20)))]);
    expect(await progressOf(tenantId, request.jobId)).toMatchObject({ done: 8, total: null });
  });

  it('keeps the last report after the job finished; a report re-emitted after the outcome changes nothing', async () => {
    const { tenantId, request } = newJob();
    await apply([
      positioned(request),
      positioned(stageStarted(request, 1, at(5))),
      positioned(stageProgressed(request, { done: 50, seq: 1 }, at(10))),
      positioned(stageCompleted(request, 1, at(30))),
    ]);
    const before = await projectionOf(tenantId, request.jobId);
    expect(before).toMatchObject({ status: 'SUCCEEDED', progress: { done: 50 } });
    // A redelivered attempt re-reports (a later sequence: a new id) after its outcome was logged.
    await apply([positioned(stageProgressed(request, { done: 99, seq: 7 }, at(40)))]);
    expect(await projectionOf(tenantId, request.jobId)).toEqual(before);
  });

  it("ignores a late report of an earlier attempt once the attempt's outcome is in the log", async () => {
    const { tenantId, request } = newJob();
    const retry = stageRetryScheduled(request, request, 2, at(20));
    await apply([
      positioned(request),
      positioned(stageStarted(request, 1, at(5))),
      positioned(stageAttemptFailed(request, 1, at(20))),
      positioned(stageStarted(retry, 2, at(30))),
      positioned(stageProgressed(retry, { attempt: 2, done: 3, seq: 1 }, at(40))),
    ]);
    // Attempt 1's report, with a later timestamp (clock skew), logged after its StageAttemptFailed.
    await apply([positioned(stageProgressed(request, { attempt: 1, done: 1000, seq: 3 }, at(50)))]);
    expect(await progressOf(tenantId, request.jobId)).toMatchObject({ attempt: 2, done: 3 });
    // An older report (by time) never overwrites a newer one.
    await apply([positioned(stageProgressed(retry, { attempt: 2, done: 1, seq: 9 }, at(35)))]);
    expect(await progressOf(tenantId, request.jobId)).toMatchObject({ attempt: 2, done: 3 });
  });

  it('gives the same answer whatever batches the log is folded in (live vs rebuild)', async () => {
    const { tenantId, request } = newJob();
    const log = [
      positioned(request),
      positioned(stageStarted(request, 1, at(5))),
      positioned(stageProgressed(request, { done: 1, seq: 1 }, at(10))),
      positioned(stageProgressed(request, { done: 2, seq: 2 }, at(20))),
      positioned(stageCompleted(request, 1, at(30))),
      positioned(stageProgressed(request, { done: 3, seq: 3 }, at(40))),
    ];
    await apply(log);
    const together = await projectionOf(tenantId, request.jobId);
    // The same log, event by event, into a copy of the job (other job id, same positions).
    const copy = newJob();
    const copied = log.map((item) => ({
      ...item,
      event: { ...item.event, jobId: copy.request.jobId, tenantId: copy.tenantId, id: randomUUID() },
    })) as ProjectableEvent[];
    for (const item of copied) await apply([item]);
    expect(await projectionOf(copy.tenantId, copy.request.jobId)).toEqual(together);
    expect(together).toMatchObject({ status: 'SUCCEEDED', progress: { done: 2 } });
  });

  it('starts over with a new run: an older run’s report is ignored', async () => {
    const { tenantId, request } = newJob();
    await apply([positioned(request), positioned(stageProgressed(request, { done: 5, seq: 1 }, at(10)))]);
    const rerun = rerunEvent(request, 1, new Date(at(100)));
    await apply([positioned(rerun)]);
    expect(await progressOf(tenantId, request.jobId)).toBeNull();
    await apply([positioned(stageProgressed(request, { done: 6, seq: 2 }, at(200)))]);
    expect(await progressOf(tenantId, request.jobId)).toBeNull();
    await apply([positioned(stageProgressed(rerun, { done: 1, seq: 1 }, at(210)))]);
    expect(await progressOf(tenantId, request.jobId)).toMatchObject({ done: 1 });
  });
});

describe('JobLogQueries', () => {
  it('lists log lines oldest first, a page at a time; null for an unknown job', async () => {
    const { tenantId, request } = newJob();
    await apply([
      positioned(request),
      ...[3, 1, 2].map((n) => positioned(stageLogged(request, `line ${n}`, n, at(n * 10)))),
    ]);
    const first = await logs.getLogs({ tenantId, jobId: request.jobId, limit: 2 });
    expect(first?.items.map((line) => line.message)).toEqual(['line 1', 'line 2']);
    expect(first?.items[0]).toMatchObject({
      run: 0,
      stage: 'scrape',
      attempt: 1,
      page: null,
      level: 'info',
      fields: { seq: 1 },
      at: at(10),
    });
    const cursor = decodeCursor(first?.nextCursor ?? '');
    expect(cursor).not.toBeNull();
    const second = await logs.getLogs({
      tenantId,
      jobId: request.jobId,
      limit: 2,
      cursor: cursor ?? undefined,
    });
    expect(second).toEqual({ items: [expect.objectContaining({ message: 'line 3' })], nextCursor: null });
    expect(await logs.getLogs({ tenantId: 'other', jobId: request.jobId, limit: 2 })).toBeNull();
    expect(await logs.getLogs({ tenantId, jobId: randomUUID(), limit: 2 })).toBeNull();
  });
});
