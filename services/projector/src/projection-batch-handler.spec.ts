import pino from 'pino';
import type { DataSource } from 'typeorm';
import { PlatformMetrics, type BatchContext, type ConsumedEvent } from '@app/platform';
import { jobRequested } from '../../../libs/contracts/src/testing/event-fixtures';
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

  it('does not retry an error that is not about the connection', async () => {
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
});
