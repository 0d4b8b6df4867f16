import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import type { JobEvent, JobRequested, StageStarted } from '@app/contracts';
import { jobRequested, stageStarted } from '@app/contracts/testing';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import { applyEvents, type ProjectableEvent } from './job-projection';
import { JobQueries } from './job-queries';
import { JobStreamQueries } from './job-stream-queries';
import { JOB_CHANGES_CHANNEL, notifyJobChanges } from './notifications/job-change-channel';
import { ProjectionNotifications } from './notifications/projection-notifications';
import { JOB_SEQ_PROJECTION_DDL, PROJECTION_DDL_STEPS, runDdl } from './schema/read-model-ddl';

/**
 * job_seq, the order in which a job's events become visible (live streams resume from it), against a
 * real PostgreSQL: unique per job and increasing in commit order whatever runs concurrently; numbered
 * again when a rebuild replays the log; backfilled by the migration in history order.
 */
const database = `job_seq_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;
let offset = 0;

const positioned = (event: JobEvent): ProjectableEvent => ({
  event,
  topic: event.type === 'JobRequested' ? 'scrape.requested' : 'scrape.events',
  partition: 0,
  offset: String((offset += 1)),
});

/** A stage event of its own id (attempt k's StageStarted derives its id from its cause, the same for each k). */
const started = (request: JobRequested, attempt: number, occurredAt?: string): StageStarted => ({
  ...stageStarted(request, attempt, occurredAt),
  id: randomUUID(),
});

const seqsOf = async (jobId: string, schema = 'public'): Promise<{ event_id: string; job_seq: string }[]> =>
  dataSource.query(`SELECT event_id, job_seq FROM ${schema}.job_events WHERE job_id = $1 ORDER BY job_seq`, [
    jobId,
  ]);

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'job-sequence-int-spec', 12);
});

afterAll(() => dropMigratedDatabase(dataSource, database));

describe('job_seq', () => {
  it('numbers a job’s events 1, 2, ... across batches, and an event applied again keeps its number', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    const attempt1 = started(request, 1);
    await dataSource.transaction((m) => applyEvents(m, [positioned(request), positioned(attempt1)]));
    await dataSource.transaction((m) =>
      applyEvents(m, [positioned(attempt1), positioned(started(request, 2))]),
    );
    expect((await seqsOf(request.jobId)).map((row) => Number(row.job_seq))).toEqual([1, 2, 3]);
  });

  it('keeps job_seq unique and in commit order across concurrent transactions on one job', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    await dataSource.transaction((m) => applyEvents(m, [positioned(request)]));
    // Notifications arrive in commit order: the reference order.
    const listener = new Client({ connectionString: (dataSource.options as { url: string }).url });
    await listener.connect();
    const commits: string[] = [];
    listener.on('notification', (message) => commits.push(message.payload ?? ''));
    await listener.query('LISTEN seq_test');
    try {
      const transactions = Array.from({ length: 10 }, (_, t) => async () => {
        const runner: QueryRunner = dataSource.createQueryRunner();
        await runner.connect();
        try {
          await runner.startTransaction();
          const events = [1, 2].map((k) => positioned(started(request, 10 * (t + 1) + k)));
          await applyEvents(runner.manager, events);
          await runner.query(`SELECT pg_notify('seq_test', $1)`, [events.map((e) => e.event.id).join(',')]);
          // Hold the lock a random while: commit order differs from start order.
          await runner.query(`SELECT pg_sleep($1)`, [Math.random() * 0.05]);
          await runner.commitTransaction();
        } finally {
          await runner.release();
        }
      });
      await Promise.all(transactions.map((run) => run()));
      await waitUntil(() => commits.length === 10);
    } finally {
      await listener.end();
    }
    const rows = await seqsOf(request.jobId);
    const seqs = rows.map((row) => Number(row.job_seq));
    expect(seqs).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const committedOrder = commits.flatMap((payload) => payload.split(','));
    expect(rows.slice(1).map((row) => row.event_id)).toEqual(committedOrder);
  });

  it('numbers one event once when two transactions apply it concurrently (a retried batch)', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    const batch = [positioned(request), positioned(started(request, 1))];
    await Promise.all([
      dataSource.transaction((m) => applyEvents(m, batch)),
      dataSource.transaction((m) => applyEvents(m, batch)),
    ]);
    const rows = await seqsOf(request.jobId);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.job_seq)).size).toBe(2);
  });

  it('is numbered again, in replay order, in a rebuild’s fresh tables', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    const events = [request, started(request, 1), started(request, 2)].map(positioned);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`CREATE SCHEMA seq_shadow`);
      await runner.query(`SET search_path TO seq_shadow`);
      for (const step of PROJECTION_DDL_STEPS) await runDdl(runner, step);
      await runner.startTransaction();
      await applyEvents(runner.manager, [events[2], events[0]]);
      await applyEvents(runner.manager, [events[1]]);
      await runner.commitTransaction();
    } finally {
      await runner.query(`SET search_path TO public`).catch(() => undefined);
      await runner.release();
    }
    const rows = await seqsOf(request.jobId, 'seq_shadow');
    expect(rows.map((row) => [row.event_id, Number(row.job_seq)])).toEqual([
      [events[2].event.id, 1],
      [events[0].event.id, 2],
      [events[1].event.id, 3],
    ]);
  });

  it('is backfilled by the migration in GET /jobs/{id}/events order', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const request = jobRequested({ jobId: randomUUID(), occurredAt: '2026-01-01T00:00:00.000Z' });
    const first = started(request, 1, '2026-01-01T00:00:01.000Z');
    const again = started(request, 2, '2026-01-01T00:00:01.000Z');
    try {
      await runner.query(`CREATE SCHEMA seq_backfill`);
      await runner.query(`SET search_path TO seq_backfill`);
      // Every step before the numbering's own (later steps may follow it).
      const before = PROJECTION_DDL_STEPS.slice(0, PROJECTION_DDL_STEPS.indexOf(JOB_SEQ_PROJECTION_DDL));
      for (const step of before) await runDdl(runner, step);
      // Before the migration: inserted out of order, with the same-millisecond tie broken by offset.
      const insert = (event: JobEvent, topic: string, at: number): Promise<unknown> =>
        runner.query(
          `INSERT INTO job_events (event_id, job_id, type, occurred_at, source_topic, source_partition, source_offset, envelope)
           VALUES ($1, $2, $3, $4, $5, 0, $6, $7)`,
          [event.id, event.jobId, event.type, event.occurredAt, topic, at, JSON.stringify(event)],
        );
      await insert(again, 'scrape.events', 9);
      await insert(first, 'scrape.events', 8);
      await insert(request, 'scrape.requested', 50);
      await runDdl(runner, JOB_SEQ_PROJECTION_DDL);
      const rows: { event_id: string; job_seq: string }[] = await runner.query(
        `SELECT event_id, job_seq FROM job_events ORDER BY job_seq`,
      );
      expect(rows.map((row) => row.event_id)).toEqual([request.id, first.id, again.id]);
      expect(await runner.query(`SELECT job_id::text, last_seq::int FROM job_event_seqs`)).toEqual([
        { job_id: request.jobId, last_seq: 3 },
      ]);
    } finally {
      await runner.query(`SET search_path TO public`).catch(() => undefined);
      await runner.release();
    }
  });
});

describe('job-change notifications and the stream reads', () => {
  it('delivers the ids a transaction notified on commit only, and reads rows and events past a cursor', async () => {
    const received: string[][] = [];
    let resubscribed = 0;
    const notifications = new ProjectionNotifications(
      (dataSource.options as { url: string }).url,
      { warn: () => undefined, info: () => undefined },
      { minBackoffMs: 10 },
    );
    await notifications.start({
      jobsChanged: (ids) => received.push(ids),
      resubscribed: () => (resubscribed += 1),
    });
    try {
      const request = jobRequested({ jobId: randomUUID() });
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await applyEvents(runner.manager, [positioned(request), positioned(started(request, 1))]);
        await notifyJobChanges(runner.manager, [request.jobId, request.jobId]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(received).toEqual([]);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      await waitUntil(() => received.length === 1);
      expect(received).toEqual([[request.jobId]]);

      const read = await new JobStreamQueries(dataSource).read(
        [request.jobId],
        new Map([[request.jobId, 1]]),
      );
      expect(read.epoch).toMatch(/^\d+$/);
      expect(read.jobs.get(request.jobId)?.job).toEqual(
        await new JobQueries(dataSource).getJob('default', request.jobId),
      );
      expect(read.events.map((e) => [e.seq, e.envelope.type])).toEqual([[2, 'StageStarted']]);
      // One statement for rows and events: a job without a row, a row without a cursor, nothing at all.
      const unknown = randomUUID();
      const mixed = await new JobStreamQueries(dataSource).read(
        [request.jobId, unknown],
        new Map([
          [unknown, 0],
          [request.jobId, 0],
        ]),
      );
      expect([...mixed.jobs.keys()]).toEqual([request.jobId]);
      expect(mixed.events.map((e) => [e.jobId, e.seq])).toEqual([
        [request.jobId, 1],
        [request.jobId, 2],
      ]);
      const rowOnly = await new JobStreamQueries(dataSource).read([request.jobId], new Map());
      expect([...rowOnly.jobs.keys()]).toEqual([request.jobId]);
      expect(rowOnly.events).toEqual([]);
      const nothing = await new JobStreamQueries(dataSource).read([], new Map());
      expect(nothing).toEqual({ epoch: read.epoch, jobs: new Map(), events: [] });

      // The LISTEN connection is killed: it comes back and says so (streams then read again).
      await dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'projection-notifications'
           AND datname = current_database()`,
      );
      await waitUntil(() => resubscribed === 1 && notifications.listening);
      await dataSource.query(`SELECT pg_notify($1, $2)`, [JOB_CHANGES_CHANNEL, request.jobId]);
      await waitUntil(() => received.length === 2);
    } finally {
      await notifications.close();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
