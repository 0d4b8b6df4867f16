import type { FinishedBucketRow } from '@app/read-models';

/** Intervals in every answer: the window is `minutes`, so each interval is `minutes` seconds. */
export const THROUGHPUT_BUCKETS = 60;
export const DEFAULT_THROUGHPUT_MINUTES = 15;
export const MAX_THROUGHPUT_MINUTES = 60;

export interface ThroughputWindow {
  minutes: number;
  bucketSeconds: number;
  /** The first interval's start (inclusive). */
  from: Date;
  /** The last interval's end (exclusive): the end of the interval `now` falls in. */
  to: Date;
}

/**
 * The window of the last `minutes` ending with the interval that holds `now`: intervals of `minutes`
 * seconds aligned to multiples of it (so consecutive reads share their intervals), the last one still
 * running.
 */
export function throughputWindow(now: Date, minutes: number): ThroughputWindow {
  const bucketSeconds = minutes;
  const bucketMs = bucketSeconds * 1000;
  const to = new Date(Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs);
  return { minutes, bucketSeconds, from: new Date(to.getTime() - THROUGHPUT_BUCKETS * bucketMs), to };
}

export interface ThroughputBucket {
  start: string;
  finished: number;
  /** finished / the interval's seconds (of the running one: the seconds it has run so far). */
  perSecond: number;
  /** null when no job finished in the interval. */
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface ThroughputSeries {
  /** `all` for every type together, else a job type. */
  type: string;
  buckets: ThroughputBucket[];
}

/**
 * The query's rows as one series per type (`all` first, then `types` in order, then any other type
 * found), each with all THROUGHPUT_BUCKETS intervals: an interval without jobs has 0 finished and null
 * percentiles.
 */
export function throughputSeries(
  window: ThroughputWindow,
  rows: readonly FinishedBucketRow[],
  types: readonly string[],
  now: Date,
): ThroughputSeries[] {
  const names = ['all', ...types];
  for (const row of rows) if (row.type !== null && !names.includes(row.type)) names.push(row.type);
  const bucketMs = window.bucketSeconds * 1000;
  const byKey = new Map(rows.map((row) => [`${row.type ?? 'all'}|${row.bucket}`, row]));
  return names.map((type) => ({
    type,
    buckets: Array.from({ length: THROUGHPUT_BUCKETS }, (_, bucket): ThroughputBucket => {
      const start = window.from.getTime() + bucket * bucketMs;
      const elapsedSeconds = Math.min(window.bucketSeconds, Math.max(0, (now.getTime() - start) / 1000));
      const row = byKey.get(`${type}|${bucket}`);
      const finished = row?.finished ?? 0;
      return {
        start: new Date(start).toISOString(),
        finished,
        perSecond: finished === 0 || elapsedSeconds === 0 ? 0 : round(finished / elapsedSeconds, 3),
        p50Ms: row ? round(row.p50Ms, 1) : null,
        p99Ms: row ? round(row.p99Ms, 1) : null,
      };
    }),
  }));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
