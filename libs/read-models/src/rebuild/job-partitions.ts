import type { ProjectableEvent } from '../job-projection';

/**
 * Splits a batch into `count` parts by job id, keeping each job's events together and in batch order.
 * The fold of one job never reads or writes another job's rows, so the parts can be folded in
 * concurrent transactions without waiting on each other, with the same result as the whole batch.
 */
export function partitionByJob(events: ProjectableEvent[], count: number): ProjectableEvent[][] {
  if (count <= 1) return [events];
  const parts: ProjectableEvent[][] = Array.from({ length: count }, () => []);
  for (const item of events) {
    const bucket = parseInt(item.event.jobId.slice(-4), 16);
    parts[Number.isNaN(bucket) ? 0 : bucket % count].push(item);
  }
  return parts.filter((part) => part.length > 0);
}
