import type { JobPriority } from '@app/contracts';

/** Who gets a freed slot first. */
const PRECEDENCE: readonly JobPriority[] = ['high', 'normal', 'low'];

/** Gives a slot back; calling it more than once has no further effect. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant: (release: ReleaseSlot) => void;
}

/**
 * A fixed number of concurrency slots, granted by priority: a freed slot goes to the longest-waiting
 * `high` request, else the longest-waiting `normal`, else `low` (first come, first served within a
 * priority). A lower priority waits only while a higher one waits, so it always progresses once the
 * higher work is through; nobody holds one slot while asking for another, so there is no deadlock.
 */
export class PrioritySlots {
  private inUse = 0;
  private readonly waiting: Record<JobPriority, Waiter[]> = { high: [], normal: [], low: [] };

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer >= 1');
  }

  /** Slots currently granted. */
  get busy(): number {
    return this.inUse;
  }

  /** Requests waiting for a slot, per priority. */
  waitingCount(priority: JobPriority): number {
    return this.waiting[priority].length;
  }

  /** A slot now if one is free and nobody waits, else null. */
  tryAcquire(): ReleaseSlot | null {
    if (this.inUse >= this.capacity || this.hasWaiters()) return null;
    this.inUse += 1;
    return this.releaser();
  }

  /**
   * Resolves with a slot's release function once a slot is granted; rejects with the signal's reason
   * if the signal fires first (the request then leaves the queue).
   */
  acquire(priority: JobPriority, signal?: AbortSignal): Promise<ReleaseSlot> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const queue = this.waiting[priority];
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(abortReason(signal!));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  private hasWaiters(): boolean {
    return PRECEDENCE.some((priority) => this.waiting[priority].length > 0);
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOver();
    };
  }

  /** A freed slot passes straight to the next waiter, so a newcomer can never take it first. */
  private handOver(): void {
    for (const priority of PRECEDENCE) {
      const next = this.waiting[priority].shift();
      if (next) {
        next.grant(this.releaser());
        return;
      }
    }
    this.inUse -= 1;
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('slot request aborted', { cause: reason });
}
