import type { JobPriority } from '@app/contracts';
import { PrioritySlots, type ReleaseSlot } from './priority-slots';

/** Lets every pending promise callback run (no timers involved). */
const drain = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

/** Requests a slot and records, in `granted`, the label once it is granted. */
function request(
  slots: PrioritySlots,
  priority: JobPriority,
  label: string,
  granted: string[],
  releases: Map<string, ReleaseSlot>,
  signal?: AbortSignal,
): Promise<void> {
  return slots.acquire(priority, signal).then((release) => {
    granted.push(label);
    releases.set(label, release);
  });
}

describe('PrioritySlots', () => {
  it('grants free slots at once, whatever the priority, up to its capacity', async () => {
    const slots = new PrioritySlots(2);
    const granted: string[] = [];
    const releases = new Map<string, ReleaseSlot>();
    void request(slots, 'low', 'low-1', granted, releases);
    void request(slots, 'low', 'low-2', granted, releases);
    void request(slots, 'high', 'high-1', granted, releases);
    await drain();
    expect(granted).toEqual(['low-1', 'low-2']);
    expect(slots.busy).toBe(2);
    expect(slots.waitingCount('high')).toBe(1);
  });

  it('gives each freed slot to waiting high work before normal, and normal before low', async () => {
    const slots = new PrioritySlots(1);
    const granted: string[] = [];
    const releases = new Map<string, ReleaseSlot>();
    void request(slots, 'normal', 'running', granted, releases);
    await drain();
    // Queued in the worst order: lowest priority first.
    void request(slots, 'low', 'low-1', granted, releases);
    void request(slots, 'normal', 'normal-1', granted, releases);
    void request(slots, 'low', 'low-2', granted, releases);
    void request(slots, 'high', 'high-1', granted, releases);
    void request(slots, 'normal', 'normal-2', granted, releases);
    void request(slots, 'high', 'high-2', granted, releases);
    await drain();
    for (let step = 0; step < 6; step += 1) {
      releases.get(granted[granted.length - 1])!();
      await drain();
    }
    expect(granted).toEqual(['running', 'high-1', 'high-2', 'normal-1', 'normal-2', 'low-1', 'low-2']);
    releases.get('low-2')!();
    expect(slots.busy).toBe(0);
  });

  it('serves requests of one priority first come, first served', async () => {
    const slots = new PrioritySlots(2);
    const granted: string[] = [];
    const releases = new Map<string, ReleaseSlot>();
    void request(slots, 'low', 'a', granted, releases);
    void request(slots, 'low', 'b', granted, releases);
    for (const label of ['c', 'd', 'e', 'f']) void request(slots, 'low', label, granted, releases);
    await drain();
    releases.get('b')!();
    await drain();
    releases.get('a')!();
    await drain();
    releases.get('c')!();
    await drain();
    expect(granted).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('lets low work progress whenever no higher work waits (no starvation without high load)', async () => {
    const slots = new PrioritySlots(1);
    const granted: string[] = [];
    const releases = new Map<string, ReleaseSlot>();
    void request(slots, 'high', 'high-1', granted, releases);
    void request(slots, 'low', 'low-1', granted, releases);
    await drain();
    releases.get('high-1')!();
    await drain();
    expect(granted).toEqual(['high-1', 'low-1']);
    // High work arriving while low runs waits for the slot; it does not preempt running work.
    void request(slots, 'high', 'high-2', granted, releases);
    void request(slots, 'low', 'low-2', granted, releases);
    await drain();
    expect(granted).toEqual(['high-1', 'low-1']);
    releases.get('low-1')!();
    await drain();
    releases.get('high-2')!();
    await drain();
    expect(granted).toEqual(['high-1', 'low-1', 'high-2', 'low-2']);
  });

  it('never lets a newcomer take a freed slot from a waiter', async () => {
    const slots = new PrioritySlots(1);
    const granted: string[] = [];
    const releases = new Map<string, ReleaseSlot>();
    void request(slots, 'normal', 'first', granted, releases);
    await drain();
    void request(slots, 'low', 'waiting-low', granted, releases);
    await drain();
    releases.get('first')!();
    // Same tick: the slot already belongs to the waiter.
    expect(slots.tryAcquire()).toBeNull();
    await drain();
    expect(granted).toEqual(['first', 'waiting-low']);
  });

  it('ignores a second release of the same slot', async () => {
    const slots = new PrioritySlots(1);
    const release = await slots.acquire('normal');
    const granted: string[] = [];
    const releases = new Map<string, ReleaseSlot>();
    void request(slots, 'low', 'a', granted, releases);
    void request(slots, 'low', 'b', granted, releases);
    release();
    release();
    await drain();
    expect(granted).toEqual(['a']);
    expect(slots.busy).toBe(1);
  });

  it('drops a waiter whose signal fires, and rejects it with the signal’s reason', async () => {
    const slots = new PrioritySlots(1);
    const holder = await slots.acquire('normal');
    const stop = new AbortController();
    const waiting = slots.acquire('high', stop.signal);
    const granted: string[] = [];
    const releases = new Map<string, ReleaseSlot>();
    void request(slots, 'low', 'low', granted, releases);
    const reason = new Error('batch revoked');
    stop.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(slots.waitingCount('high')).toBe(0);
    holder();
    await drain();
    expect(granted).toEqual(['low']);
    await expect(slots.acquire('high', stop.signal)).rejects.toBe(reason);
  });

  it('refuses a capacity below one', () => {
    expect(() => new PrioritySlots(0)).toThrow(RangeError);
  });
});
