import type { DataSource } from 'typeorm';
import { EventTypes, type StageLogged } from '@app/contracts';
import type { JobLogLineView, JobLogPage } from './job-views';
import { cursorTimeSql, keysetPage, type KeysetCursor } from './keyset-cursor';

export interface JobLogFilter {
  /** null: any tenant's job (an admin's read). */
  tenantId: string | null;
  jobId: string;
  limit: number;
  /** Position after the last line of the previous page (oldest first: occurred_at, event id). */
  cursor?: KeysetCursor;
}

/**
 * A job's log lines (`StageLogged` events), oldest first, a page at a time. They are read from
 * job_events (partial index `job_events_logs`): the history already holds them, deduplicated by id,
 * and a rebuild restores them with it.
 */
export class JobLogQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** A page of the job's log lines, or null when the job is unknown (to this tenant). */
  async getLogs(filter: JobLogFilter): Promise<JobLogPage | null> {
    const job: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM jobs WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2) AND requested`,
      [filter.jobId, filter.tenantId],
    );
    if (job.length === 0) return null;
    const params: unknown[] = [filter.jobId, EventTypes.StageLogged, filter.limit + 1];
    let after = '';
    if (filter.cursor) {
      params.push(filter.cursor.createdAt, filter.cursor.id);
      after = `AND (occurred_at, event_id) > ($4::timestamptz, $5::uuid)`;
    }
    const rows: { id: string; cursor_time: string; envelope: StageLogged }[] = await this.dataSource.query(
      `SELECT event_id AS id, ${cursorTimeSql('occurred_at')} AS cursor_time, envelope
       FROM job_events WHERE job_id = $1 AND type = $2 ${after}
       ORDER BY occurred_at, event_id LIMIT $3`,
      params,
    );
    const { page, nextCursor } = keysetPage(rows, filter.limit, (row) => row.cursor_time);
    return { items: page.map((row) => toLogLine(row.envelope)), nextCursor };
  }
}

function toLogLine(event: StageLogged): JobLogLineView {
  const { stage, attempt, page, level, message, fields } = event.data;
  return {
    id: event.id,
    at: event.occurredAt,
    run: event.run ?? 0,
    stage,
    attempt,
    page: page ?? null,
    level,
    message,
    fields,
  };
}
