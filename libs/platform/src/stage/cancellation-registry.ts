import { EventTypes, runOf } from '@app/contracts';
import type { BatchContext, ConsumedEvent, EventBatchHandler } from '../kafka/event-consumer';

/**
 * The cancelled runs of jobs, as read from `jobs.control` (from its beginning on every start, so a
 * restarted stage knows every cancellation), and the in-flight work to abort when one arrives. A
 * cancellation covers the job's run at that time and earlier ones: a later re-run runs.
 */
export class CancellationRegistry implements EventBatchHandler {
  /** Job id -> the newest cancelled run. */
  private readonly cancelled = new Map<string, number>();
  private readonly inFlight = new Map<string, Set<{ run: number; controller: AbortController }>>();

  async handleBatch(events: ConsumedEvent[], _context: BatchContext): Promise<void> {
    for (const { event } of events) {
      if (event.type !== EventTypes.JobCancelRequested) continue;
      const run = Math.max(runOf(event), this.cancelled.get(event.jobId) ?? 0);
      this.cancelled.set(event.jobId, run);
      for (const work of this.inFlight.get(event.jobId) ?? []) {
        if (work.run <= run) work.controller.abort();
      }
    }
  }

  isCancelled(jobId: string, run = 0): boolean {
    const cancelled = this.cancelled.get(jobId);
    return cancelled !== undefined && run <= cancelled;
  }

  /** A signal that fires if the job's run is cancelled while the work runs; call `release` when done. */
  track(jobId: string, run = 0): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    if (this.isCancelled(jobId, run)) controller.abort();
    const work = { run, controller };
    const set = this.inFlight.get(jobId) ?? new Set<{ run: number; controller: AbortController }>();
    set.add(work);
    this.inFlight.set(jobId, set);
    return {
      signal: controller.signal,
      release: () => {
        set.delete(work);
        if (set.size === 0) this.inFlight.delete(jobId);
      },
    };
  }
}
