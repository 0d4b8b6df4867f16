import type { DataSource } from 'typeorm';
import type { JobView } from './job-views';
import { REQUEST_COLUMNS_SQL, requestColumns, type RequestToFold } from './job-projection';

type Query = Pick<DataSource, 'query'>;

interface SubmissionRow {
  id: string;
  tenant_id: string;
  type: JobView['type'];
  priority: JobView['priority'];
  input: Record<string, unknown>;
  run: number;
  correlation_id: string;
  trace_id: string | null;
  created_at: Date;
  /** When a cancellation was pre-applied before the request was projected (its hidden placeholder row). */
  cancelled_at: Date | null;
}

/**
 * Requests the gateway accepted, kept so that `GET /jobs/{id}` right after the `202` finds the job
 * (read-your-writes) before the projector has applied its JobRequested. The gateway used to upsert
 * the PENDING row into `jobs` itself; that upsert waited on the projector's open transaction whenever
 * the projector had touched the same row first, and the projector then waited on the gateway's
 * statement: POSTs queued behind projection batches. This table is the gateway's alone; the
 * projection stays the only writer of `jobs`. Rows are pruned once the projection surely has them.
 */
export class JobSubmissions {
  constructor(private readonly dataSource: Query) {}

  /** Records accepted requests of distinct jobs, in one statement (a repeat of a job id is ignored). */
  async record(requests: RequestToFold[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO job_submissions (id, tenant_id, type, priority, input, correlation_id, trace_id, run, created_at)
       SELECT id, tenant_id, type, priority, input, correlation_id, trace_id, run, created_at
       FROM unnest(${REQUEST_COLUMNS_SQL})
         AS r(id, tenant_id, type, priority, input, correlation_id, idempotency_key, created_at, trace_id, run)
       ON CONFLICT (id) DO NOTHING`,
      requestColumns(requests),
    );
  }

  /** An accepted request the projection does not show yet, as the PENDING job it is. */
  async pendingJob(tenantId: string | null, id: string): Promise<JobView | null> {
    const rows: SubmissionRow[] = await this.dataSource.query(
      // A cancellation that came before the projector folded the request waits in a hidden placeholder
      // row (foldCancellations): a job cancelled right after its 202 reads CANCELLED, not PENDING.
      `SELECT s.id, s.tenant_id, s.type, s.priority, s.input, s.run, s.correlation_id, s.trace_id, s.created_at,
              c.finished_at AS cancelled_at
       FROM job_submissions s
       LEFT JOIN jobs c ON c.id = s.id AND c.tenant_id = s.tenant_id AND NOT c.requested AND c.status = 'CANCELLED'
       WHERE s.id = $1 AND ($2::text IS NULL OR s.tenant_id = $2)`,
      [id, tenantId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      type: row.type,
      status: row.cancelled_at ? 'CANCELLED' : 'PENDING',
      priority: row.priority,
      input: row.input,
      result: null,
      error: null,
      attempts: 0,
      run: row.run,
      correlationId: row.correlation_id,
      traceId: row.trace_id,
      createdAt: row.created_at.toISOString(),
      startedAt: null,
      finishedAt: row.cancelled_at ? row.cancelled_at.toISOString() : null,
      stages: [],
      progress: null,
    };
  }

  /** Deletes records accepted before `cutoff`; returns how many. */
  async pruneBefore(cutoff: Date): Promise<number> {
    // TypeORM answers a DELETE with [rows, rowCount].
    const [, count]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM job_submissions WHERE created_at < $1`,
      [cutoff.toISOString()],
    );
    return count;
  }
}
