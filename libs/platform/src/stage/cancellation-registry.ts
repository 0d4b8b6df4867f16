import { EventTypes } from '@app/contracts';
import type { BatchContext, ConsumedEvent, EventBatchHandler } from '../kafka/event-consumer';

/**
 * The set of cancelled jobs, as read from `jobs.control` (from its beginning on every start, so a
 * restarted stage knows every cancellation), and the in-flight work to abort when one arrives.
 */
export class CancellationRegistry implements EventBatchHandler {
  private readonly cancelled = new Set<string>();
  private readonly inFlight = new Map<string, Set<AbortController>>();

  async handleBatch(events: ConsumedEvent[], _context: BatchContext): Promise<void> {
    for (const { event } of events) {
      if (event.type !== EventTypes.JobCancelRequested) continue;
      this.cancelled.add(event.jobId);
      for (const controller of this.inFlight.get(event.jobId) ?? []) controller.abort();
    }
  }

  isCancelled(jobId: string): boolean {
    return this.cancelled.has(jobId);
  }

  /** A signal that fires if the job is cancelled while the work runs; call `release` when done. */
  track(jobId: string): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    if (this.cancelled.has(jobId)) controller.abort();
    const set = this.inFlight.get(jobId) ?? new Set<AbortController>();
    set.add(controller);
    this.inFlight.set(jobId, set);
    return {
      signal: controller.signal,
      release: () => {
        set.delete(controller);
        if (set.size === 0) this.inFlight.delete(jobId);
      },
    };
  }
}
