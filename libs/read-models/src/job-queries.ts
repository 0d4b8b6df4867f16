import type { DataSource } from 'typeorm';
import type { EventEnvelope, JobError, JobPriority, JobStatus, JobType } from '@app/contracts';
import type { JobPage, JobProgressView, JobStageView, JobView } from './job-views';
import { afterCursorSql, cursorTimeSql, keysetPage, type KeysetCursor } from './keyset-cursor';
import { JobSubmissions } from './job-submissions';

interface JobRow {
  id: string;
  tenant_id: string;
  type: JobType;
  status: JobStatus;
  priority: JobPriority;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: JobError | null;
  attempts: number;
  run: number;
  correlation_id: string;
  trace_id: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  progress: JobProgressView | null;
}

interface StageRow {
  job_id: string;
  stage: string;
  status: string;
  attempts: number;
  stage_version: string | null;
  error: JobError | null;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface JobListFilter {
  /** null: every tenant (an admin's list). */
  tenantId: string | null;
  status?: JobStatus;
  type?: JobType;
  priority?: JobPriority;
  correlationId?: string;
  /** Created at or after this time. */
  createdAfter?: Date;
  /** Created before this time. */
  createdBefore?: Date;
  limit: number;
  cursor?: JobCursor;
}

/** Position after the last item of a page (newest first: created_at DESC, id DESC). */
export type JobCursor = KeysetCursor;

export { decodeCursor, encodeCursor } from './keyset-cursor';

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/** A timestamptz as `toISOString()` writes it (UTC, milliseconds, `Z`), or NULL. */
const isoSql = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A job row with its stages (JOB_WITH_STAGES_SQL's columns). */
export type JobWithStagesRow = JobRow & { stages: JobStageView[] };

/** A job row with its stages as a JSON array; the caller adds the WHERE clause. */
export const JOB_WITH_STAGES_SQL = `SELECT j.*, COALESCE((
    SELECT json_agg(json_build_object(
      'stage', s.stage, 'status', s.status, 'attempts', s.attempts, 'stageVersion', s.stage_version,
      'error', s.error, 'startedAt', ${isoSql('s.started_at')}, 'finishedAt', ${isoSql('s.finished_at')})
      ORDER BY s.started_at NULLS LAST, s.stage)
    FROM job_stages s WHERE s.job_id = j.id), '[]') AS stages
  FROM jobs j`;

export class JobQueries {
  private readonly submissions: JobSubmissions;

  constructor(private readonly dataSource: DataSource) {
    this.submissions = new JobSubmissions(dataSource);
  }

  /**
   * One round trip: the job row with its stages as a JSON array (a client polling a job calls this
   * most). `tenantId` null: any tenant's job (an admin's read).
   */
  async getJob(tenantId: string | null, id: string): Promise<JobView | null> {
    const rows: JobWithStagesRow[] = await this.dataSource.query(
      `${JOB_WITH_STAGES_SQL} WHERE j.id = $1 AND ($2::text IS NULL OR j.tenant_id = $2) AND j.requested`,
      [id, tenantId],
    );
    // Accepted but not projected yet: the gateway's record of the request (read-your-writes).
    if (rows.length === 0) return this.submissions.pendingJob(tenantId, id);
    return toView(rows[0], rows[0].stages);
  }

  async listJobs(filter: JobListFilter): Promise<JobPage> {
    const params: unknown[] = [];
    const where = ['requested'];
    if (filter.tenantId !== null) {
      params.push(filter.tenantId);
      where.push(`tenant_id = $${params.length}`);
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.type) {
      params.push(filter.type);
      where.push(`type = $${params.length}`);
    }
    if (filter.priority) {
      params.push(filter.priority);
      where.push(`priority = $${params.length}`);
    }
    if (filter.correlationId !== undefined) {
      params.push(filter.correlationId);
      where.push(`correlation_id = $${params.length}`);
    }
    if (filter.createdAfter) {
      params.push(filter.createdAfter.toISOString());
      where.push(`created_at >= $${params.length}`);
    }
    if (filter.createdBefore) {
      params.push(filter.createdBefore.toISOString());
      where.push(`created_at < $${params.length}`);
    }
    if (filter.cursor) where.push(afterCursorSql('created_at', filter.cursor, params));
    params.push(filter.limit + 1);
    const rows: (JobRow & { cursor_created_at: string })[] = await this.dataSource.query(
      `SELECT *, ${cursorTimeSql('created_at')} AS cursor_created_at
       FROM jobs WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const { page, nextCursor } = keysetPage(rows, filter.limit, (row) => row.cursor_created_at);
    const stages = await this.stagesOf(page.map((row) => row.id));
    return { items: page.map((row) => toView(row, stages.get(row.id) ?? [])), nextCursor };
  }

  /** The job's events in log order, or null when the job is unknown. */
  async getEvents(tenantId: string | null, id: string): Promise<EventEnvelope[] | null> {
    const job: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM jobs WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2) AND requested`,
      [id, tenantId],
    );
    if (job.length === 0) return null;
    const rows: { envelope: EventEnvelope }[] = await this.dataSource.query(
      // Same-millisecond ties: the request comes first, then each topic's own (per-job) log order.
      `SELECT envelope FROM job_events WHERE job_id = $1
       ORDER BY occurred_at, (type <> 'JobRequested'), source_topic, source_offset`,
      [id],
    );
    return rows.map((row) => row.envelope);
  }

  /**
   * Several jobs as `getJob` shows them, with their tenant, in one round trip (live streams read every
   * job a notification named at once). Only projected jobs: a job the projector has not folded yet is
   * not in the answer.
   */
  async getJobsWithTenant(ids: string[]): Promise<{ tenantId: string; job: JobView }[]> {
    if (ids.length === 0) return [];
    const rows: JobWithStagesRow[] = await this.dataSource.query(
      `${JOB_WITH_STAGES_SQL} WHERE j.id = ANY($1::uuid[]) AND j.requested`,
      [ids],
    );
    return rows.map(jobWithTenant);
  }

  private async stagesOf(jobIds: string[]): Promise<Map<string, JobStageView[]>> {
    const out = new Map<string, JobStageView[]>();
    if (jobIds.length === 0) return out;
    const rows: StageRow[] = await this.dataSource.query(
      `SELECT * FROM job_stages WHERE job_id = ANY($1::uuid[]) ORDER BY started_at NULLS LAST, stage`,
      [jobIds],
    );
    for (const row of rows) {
      const list = out.get(row.job_id) ?? [];
      list.push({
        stage: row.stage,
        status: row.status,
        attempts: row.attempts,
        stageVersion: row.stage_version,
        error: row.error,
        startedAt: iso(row.started_at),
        finishedAt: iso(row.finished_at),
      });
      out.set(row.job_id, list);
    }
    return out;
  }
}

/** A JOB_WITH_STAGES_SQL row as the API shows it, with its tenant. */
export function jobWithTenant(row: JobWithStagesRow): { tenantId: string; job: JobView } {
  return { tenantId: row.tenant_id, job: toView(row, row.stages) };
}

function toView(row: JobRow, stages: JobStageView[]): JobView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    status: row.status,
    priority: row.priority,
    input: row.input,
    result: row.result,
    error: row.error,
    attempts: row.attempts,
    run: row.run,
    correlationId: row.correlation_id,
    traceId: row.trace_id,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    stages,
    progress: row.progress ?? null,
  };
}
