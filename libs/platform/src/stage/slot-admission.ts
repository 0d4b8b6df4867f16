import { EventTypes, type JobEvent, type JobPriority } from '@app/contracts';
import type { BatchContext } from '../kafka/event-consumer';
import type { Admission } from '../kafka/per-job-concurrency';
import type { PrioritySlots } from './priority-slots';

/** The scheduling priority of an event's work: its request's, also when the request comes back as a retry. */
export function priorityOf(event: JobEvent): JobPriority {
  if (event.type === EventTypes.JobRequested) return event.data.priority;
  if (event.type === EventTypes.StageRetryScheduled) return event.data.request.priority;
  return 'normal';
}

/**
 * Admits the work of one consumed batch through shared priority slots. While any of the batch's
 * events waits, the batch keeps heartbeating (a low-priority batch may wait through a long run of
 * high-priority work without being evicted from its group), and every waiter gives up as soon as the
 * batch is no longer active (consumer stopping, partition revoked): nothing of it is committed then,
 * so it is delivered again.
 */
export function admitByPriority(slots: PrioritySlots, batch: BatchContext, checkEveryMs = 1000): Admission {
  const giveUp = new AbortController();
  let waiters = 0;
  let ticker: NodeJS.Timeout | undefined;
  const check = (): void => {
    if (!batch.isActive()) {
      giveUp.abort(new Error('batch no longer active while waiting for a concurrency slot'));
      return;
    }
    batch.heartbeat().catch((error: unknown) => giveUp.abort(error));
  };
  return async (consumed) => {
    const now = slots.tryAcquire();
    if (now) return now;
    waiters += 1;
    ticker ??= setInterval(check, checkEveryMs);
    try {
      return await slots.acquire(priorityOf(consumed.event), giveUp.signal);
    } finally {
      waiters -= 1;
      if (waiters === 0) {
        clearInterval(ticker);
        ticker = undefined;
      }
    }
  };
}
