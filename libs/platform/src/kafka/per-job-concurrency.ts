import type { ConsumedEvent } from './event-consumer';

/**
 * Waits until one event's work may start (e.g. for a concurrency slot shared with other batches) and
 * returns what to call when that work is done. Rejecting stops the batch like a failed work item.
 */
export type Admission = (event: ConsumedEvent) => Promise<() => void>;

export interface ConcurrencyOptions {
  /** Most jobs in flight at once. */
  limit: number;
  admit?: Admission;
}

/**
 * Runs `work` for each event with at most `limit` jobs in flight, keeping each job's events in order
 * (events of one job run one after the other; different jobs run side by side). With `admit`, each
 * event's work starts only once admitted. Rejects with the first error after every started job
 * finished, so no work is left running behind the caller.
 */
export async function forEachJobConcurrently(
  events: ConsumedEvent[],
  concurrency: number | ConcurrencyOptions,
  work: (event: ConsumedEvent) => Promise<void>,
): Promise<void> {
  const { limit, admit }: ConcurrencyOptions =
    typeof concurrency === 'number' ? { limit: concurrency } : concurrency;
  const byJob = new Map<string, ConsumedEvent[]>();
  for (const consumed of events) {
    const list = byJob.get(consumed.event.jobId);
    if (list) list.push(consumed);
    else byJob.set(consumed.event.jobId, [consumed]);
  }
  const queues = [...byJob.values()];
  let next = 0;
  // A holder object: TypeScript does not see assignments made inside the worker closures.
  const failure: { first?: Error } = {};
  const worker = async (): Promise<void> => {
    while (next < queues.length) {
      const queue = queues[next++];
      for (const consumed of queue) {
        if (failure.first) return;
        try {
          const done = admit ? await admit(consumed) : undefined;
          try {
            // Another job may have failed while this one waited to be admitted: start nothing new.
            if (failure.first) return;
            await work(consumed);
          } finally {
            done?.();
          }
        } catch (error) {
          failure.first ??= error instanceof Error ? error : new Error('job work failed', { cause: error });
          return;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queues.length) }, () => worker()));
  if (failure.first) throw failure.first;
}
