import type { DataSource } from 'typeorm';

/** One interval's finished jobs: of one type, or of every type (`type` null). */
export interface FinishedBucketRow {
  /** null: every type together. */
  type: string | null;
  /** 0-based interval number from the window's start. */
  bucket: number;
  finished: number;
  /** End-to-end latency (finished_at - created_at) percentiles, ms. */
  p50Ms: number;
  p99Ms: number;
}

interface RawRow {
  type: string | null;
  bucket: number;
  finished: number;
  p50_ms: number | string;
  p99_ms: number | string;
}

/**
 * Jobs finished per interval, every tenant's (the Operations page's throughput and latency): the jobs
 * whose `finished_at` falls in [from, to), by interval of `bucketSeconds`, per type and for every type
 * together, with the p50 and p99 of `finished_at - created_at` (continuous percentiles, as numpy's
 * default). Reads the `jobs_by_finish` index (migration 1776). A re-run job counts from its creation.
 */
export class JobThroughputQueries {
  constructor(private readonly dataSource: DataSource) {}

  async finishedBuckets(from: Date, to: Date, bucketSeconds: number): Promise<FinishedBucketRow[]> {
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT type,
              floor(extract(epoch FROM finished_at - $1::timestamptz) / $3)::int AS bucket,
              count(*)::int AS finished,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at) * 1000)
                AS p50_ms,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at) * 1000)
                AS p99_ms
       FROM jobs
       WHERE requested AND finished_at >= $1 AND finished_at < $2 AND created_at IS NOT NULL
       GROUP BY GROUPING SETS ((type, bucket), (bucket))
       ORDER BY bucket, type NULLS FIRST`,
      [from, to, bucketSeconds],
    );
    return rows.map((row) => ({
      type: row.type,
      bucket: row.bucket,
      finished: row.finished,
      p50Ms: Number(row.p50_ms),
      p99Ms: Number(row.p99_ms),
    }));
  }
}
