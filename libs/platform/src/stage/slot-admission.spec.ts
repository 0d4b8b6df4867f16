import { jobRequested, stageRetryScheduled, stageStarted } from '@app/contracts/testing';
import type { JobPriority } from '@app/contracts';
import type { BatchContext, ConsumedEvent } from '../kafka/event-consumer';
import { forEachJobConcurrently } from '../kafka/per-job-concurrency';
import { PrioritySlots } from './priority-slots';
import { admitByPriority, priorityOf } from './slot-admission';

function requestOf(priority: JobPriority) {
  const request = jobRequested();
  request.data.priority = priority;
  return request;
}

const consumed = (priority: JobPriority): ConsumedEvent => ({
  event: requestOf(priority),
  topic: 'jobs.requested',
  partition: 0,
  offset: '0',
  headers: {},
});

class FakeBatch implements BatchContext {
  active = true;
  heartbeats = 0;
  heartbeatError: Error | null = null;

  heartbeat(): Promise<void> {
    this.heartbeats += 1;
    return this.heartbeatError ? Promise.reject(this.heartbeatError) : Promise.resolve();
  }

  isActive(): boolean {
    return this.active;
  }
}

describe('priorityOf', () => {
  it('is the request’s priority, also for a retry carrying the request, else normal', () => {
    const high = requestOf('high');
    expect(priorityOf(high)).toBe('high');
    expect(priorityOf(requestOf('low'))).toBe('low');
    expect(priorityOf(stageRetryScheduled(high, high))).toBe('high');
    expect(priorityOf(stageStarted(high))).toBe('normal');
  });
});

describe('admitByPriority', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('admits at once while a slot is free, without touching the batch', async () => {
    const slots = new PrioritySlots(1);
    const batch = new FakeBatch();
    const done = await admitByPriority(slots, batch, 1000)(consumed('low'));
    expect(slots.busy).toBe(1);
    done();
    expect(slots.busy).toBe(0);
    expect(batch.heartbeats).toBe(0);
  });

  it('keeps the batch heartbeating while it waits, and stops once admitted', async () => {
    const slots = new PrioritySlots(1);
    const holder = slots.tryAcquire()!;
    const batch = new FakeBatch();
    const admitted = admitByPriority(slots, batch, 1000)(consumed('low'));
    await jest.advanceTimersByTimeAsync(3500);
    expect(batch.heartbeats).toBe(3);
    holder();
    const done = await admitted;
    await jest.advanceTimersByTimeAsync(5000);
    expect(batch.heartbeats).toBe(3);
    done();
  });

  it('gives up every waiter of a batch that is no longer active, leaving the queue', async () => {
    const slots = new PrioritySlots(1);
    const holder = slots.tryAcquire()!;
    const batch = new FakeBatch();
    const admit = admitByPriority(slots, batch, 1000);
    const first = admit(consumed('low'));
    const second = admit(consumed('high'));
    const firstFailed = expect(first).rejects.toThrow('no longer active');
    const secondFailed = expect(second).rejects.toThrow('no longer active');
    batch.active = false;
    await jest.advanceTimersByTimeAsync(1000);
    await firstFailed;
    await secondFailed;
    expect(slots.waitingCount('low') + slots.waitingCount('high')).toBe(0);
    holder();
    expect(slots.busy).toBe(0);
  });

  it('gives up when a heartbeat fails (the group is rebalancing)', async () => {
    const slots = new PrioritySlots(1);
    slots.tryAcquire();
    const batch = new FakeBatch();
    const rebalancing = new Error('The group is rebalancing');
    batch.heartbeatError = rebalancing;
    const waiting = admitByPriority(slots, batch, 1000)(consumed('normal'));
    const failed = expect(waiting).rejects.toBe(rebalancing);
    await jest.advanceTimersByTimeAsync(1000);
    await failed;
  });
});

describe('batches sharing priority slots', () => {
  it('runs a later high batch before the waiting rest of an earlier low batch', async () => {
    const slots = new PrioritySlots(2);
    const order: string[] = [];
    const pending = new Map<string, () => void>();
    const work = (name: string) => (event: ConsumedEvent) =>
      new Promise<void>((resolve) => {
        const label = `${name}:${event.offset}`;
        order.push(label);
        pending.set(label, resolve);
      });
    const batchOf = (priority: JobPriority, count: number, firstJob: number): ConsumedEvent[] =>
      Array.from({ length: count }, (_, i) => {
        const request = jobRequested({
          jobId: `00000000-0000-4000-8000-${String(firstJob + i).padStart(12, '0')}`,
        });
        request.data.priority = priority;
        return { event: request, topic: 't', partition: 0, offset: String(i), headers: {} };
      });
    const drainAll = async (): Promise<void> => {
      for (let i = 0; i < 50; i += 1) await Promise.resolve();
    };
    const low = forEachJobConcurrently(
      batchOf('low', 6, 100),
      { limit: 6, admit: admitByPriority(slots, new FakeBatch()) },
      work('low'),
    );
    await drainAll();
    expect(order).toEqual(['low:0', 'low:1']);
    const high = forEachJobConcurrently(
      batchOf('high', 3, 200),
      { limit: 3, admit: admitByPriority(slots, new FakeBatch()) },
      work('high'),
    );
    await drainAll();
    pending.get('low:0')!();
    await drainAll();
    pending.get('low:1')!();
    await drainAll();
    expect(order).toEqual(['low:0', 'low:1', 'high:0', 'high:1']);
    pending.get('high:0')!();
    await drainAll();
    pending.get('high:1')!();
    await drainAll();
    expect(order).toEqual(['low:0', 'low:1', 'high:0', 'high:1', 'high:2', 'low:2']);
    // Let everything else finish, one round of finishing at a time.
    for (let round = 0; round < 10; round += 1) {
      for (const [label, finish] of [...pending]) {
        pending.delete(label);
        finish();
      }
      await drainAll();
    }
    await Promise.all([low, high]);
    expect(order.filter((l) => l.startsWith('low'))).toEqual([
      'low:0',
      'low:1',
      'low:2',
      'low:3',
      'low:4',
      'low:5',
    ]);
    expect(slots.busy).toBe(0);
  });
});
