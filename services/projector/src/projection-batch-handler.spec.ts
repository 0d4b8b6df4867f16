import pino from 'pino';
import type { DataSource } from 'typeorm';
import { PlatformMetrics, type BatchContext, type ConsumedEvent, type RawMessage } from '@app/platform';
import { jobRequested, stageStarted } from '@app/contracts/testing';
import { ProjectionBatchHandler } from './projection-batch-handler';

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });

const events: ConsumedEvent[] = [
  { event: jobRequested(), topic: 'jobs.requested', partition: 0, offset: '7', headers: {} },
];

function context(active: () => boolean = () => true): BatchContext & { heartbeats: number } {
  const ctx = {
    heartbeats: 0,
    heartbeat: async () => {
      ctx.heartbeats += 1;
    },
    isActive: active,
  };
  return ctx;
}

/** A DataSource whose transactions fail with the given errors first, then report `applied`. */
function dataSource(failures: Error[], applied = 1): { source: DataSource; calls: () => number } {
  let calls = 0;
  const source = {
    transaction: async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return applied;
    },
  } as unknown as DataSource;
  return { source, calls: () => calls };
}

const backoff = { initialDelayMs: 5, maxDelayMs: 20, heartbeatEveryMs: 5 };
const metrics = new PlatformMetrics('projector-spec');

describe('ProjectionBatchHandler', () => {
  it('retries the transaction while PostgreSQL is unreachable, heartbeating, then succeeds', async () => {
    const { source, calls } = dataSource([refused(), refused(), refused()]);
    const handler = new ProjectionBatchHandler(source, pino({ level: 'silent' }), metrics, backoff);
    const ctx = context();
    await handler.handleBatch(events, ctx);
    expect(calls()).toBe(4);
    expect(ctx.heartbeats).toBeGreaterThanOrEqual(3);
  });

  it('without a dead-letter sink, does not retry an error that is not about the connection', async () => {
    const broken = Object.assign(new Error('syntax error'), { code: '42601' });
    const { source, calls } = dataSource([broken]);
    const handler = new ProjectionBatchHandler(source, pino({ level: 'silent' }), metrics, backoff);
    await expect(handler.handleBatch(events, context())).rejects.toThrow('syntax error');
    expect(calls()).toBe(1);
  });

  it('gives the batch up (uncommitted) once it is no longer ours', async () => {
    const { source, calls } = dataSource([refused(), refused(), refused(), refused()]);
    const handler = new ProjectionBatchHandler(source, pino({ level: 'silent' }), metrics, backoff);
    let checks = 0;
    const ctx = context(() => ++checks < 3);
    await expect(handler.handleBatch(events, ctx)).rejects.toThrow();
    expect(calls()).toBeLessThan(5);
  });

  describe('a batch PostgreSQL keeps refusing', () => {
    const badTimestamp = Object.assign(
      new Error('invalid input syntax for type timestamp with time zone: "2026-W01-1"'),
      { code: '22007' },
    );
    const request = jobRequested();
    const batch: ConsumedEvent[] = [
      {
        event: request,
        topic: 'jobs.requested',
        partition: 3,
        offset: '10',
        headers: {},
        group: 'projector',
      },
      {
        event: stageStarted(request),
        topic: 'jobs.requested',
        partition: 3,
        offset: '11',
        headers: { 'x-poison': 'yes' },
        key: Buffer.from(request.jobId),
        value: Buffer.from('{"the":"original bytes"}'),
        group: 'projector',
      },
    ];

    it('retries a bounded number of times, then isolates the event and dead-letters it as unprojectable', async () => {
      const offsets: string[][] = [];
      const sent: RawMessage[] = [];
      const handler = new ProjectionBatchHandler(
        {} as DataSource,
        pino({ level: 'silent' }),
        metrics,
        backoff,
        { publishRaw: async (messages) => void sent.push(...messages) },
        { batchTries: 3, eventTries: 2, retryDelayMs: 1 },
      );
      // The transaction is the seam: fail whenever the poisoned offset is in it.
      (handler as unknown as { transactions: { apply(e: ConsumedEvent[]): Promise<void> } }).transactions = {
        apply: async (events) => {
          offsets.push(events.map((e) => e.offset));
          if (events.some((e) => e.offset === '11')) throw badTimestamp;
        },
      };
      await handler.handleBatch(batch, context());
      // 3 whole-batch tries, then offset 10 alone, then offset 11 alone twice.
      expect(offsets).toEqual([['10', '11'], ['10', '11'], ['10', '11'], ['10'], ['11'], ['11']]);
      expect(sent).toHaveLength(1);
      const entry = JSON.parse(String(sent[0].value)) as Record<string, unknown>;
      expect(sent[0]).toMatchObject({ topic: 'dead-letter', key: request.jobId });
      expect(entry).toMatchObject({
        reason: 'unprojectable',
        detail: 'SQLSTATE 22007: invalid input syntax for type timestamp with time zone: "2026-W01-1"',
        source: { topic: 'jobs.requested', partition: 3, offset: '11', group: 'projector' },
        original: { key: request.jobId, value: '{"the":"original bytes"}', headers: { 'x-poison': 'yes' } },
        attempts: 2,
      });
    });

    it('recovers without dead-lettering when a retry succeeds (a deadlock, say)', async () => {
      const sent: RawMessage[] = [];
      const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
      const { source, calls } = dataSource([deadlock], 2);
      const handler = new ProjectionBatchHandler(
        source,
        pino({ level: 'silent' }),
        metrics,
        backoff,
        { publishRaw: async (messages) => void sent.push(...messages) },
        { batchTries: 3, eventTries: 2, retryDelayMs: 1 },
      );
      await handler.handleBatch(batch, context());
      expect(calls()).toBe(2);
      expect(sent).toEqual([]);
    });

    it('lets the failure propagate (nothing committed) when the dead letters are not acknowledged', async () => {
      const { source } = dataSource(Array.from({ length: 10 }, () => badTimestamp));
      const handler = new ProjectionBatchHandler(
        source,
        pino({ level: 'silent' }),
        metrics,
        backoff,
        {
          publishRaw: async () => {
            throw new Error('Kafka unavailable');
          },
        },
        { batchTries: 2, eventTries: 1, retryDelayMs: 1 },
      );
      await expect(handler.handleBatch(batch, context())).rejects.toThrow('Kafka unavailable');
    });
  });
});
