import type { DataSource } from 'typeorm';
import {
  validateEvent,
  type JobEvent,
  type JobStatus,
  type JobType,
  type StageDescriptor,
} from '@app/contracts';

/** What a re-run needs to know about a job: its type, whether it finished, and its current run. */
export interface JobRunState {
  id: string;
  type: JobType;
  status: JobStatus;
  run: number;
}

/** An event as the log holds it, with the topic it was published to (a re-run publishes it there again). */
export interface LoggedEvent {
  event: JobEvent;
  topic: string;
}

/** Reads, from the read models, what re-running a stage of a job re-publishes. */
export class JobRunQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** `tenantId` null: any tenant's job (an admin's re-run). */
  async runState(tenantId: string | null, jobId: string): Promise<JobRunState | null> {
    const rows: JobRunState[] = await this.dataSource.query(
      `SELECT id, type, status, run FROM jobs WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2) AND requested`,
      [jobId, tenantId],
    );
    return rows[0] ?? null;
  }

  /**
   * The events that started `stage`'s work in run `run` of the job: its request (the original one;
   * every run's copy carries the same data), or the completions of the stage it follows in that run,
   * the newest per page when a stage was reprocessed.
   */
  async stageInputs(jobId: string, follows: StageDescriptor['follows'], run: number): Promise<LoggedEvent[]> {
    const rows: { envelope: unknown; source_topic: string; page: number | null }[] =
      follows.type === 'JobRequested'
        ? await this.dataSource.query(
            `SELECT envelope, source_topic, NULL AS page FROM job_events
             WHERE job_id = $1 AND type = 'JobRequested'
             ORDER BY COALESCE((envelope->>'run')::int, 0), occurred_at LIMIT 1`,
            [jobId],
          )
        : await this.dataSource.query(
            `SELECT DISTINCT ON (page) envelope, source_topic, (envelope->'data'->>'page')::int AS page
             FROM job_events
             WHERE job_id = $1 AND type = 'StageCompleted' AND envelope->'data'->>'stage' = $2
               AND COALESCE((envelope->>'run')::int, 0) = $3
             ORDER BY page, occurred_at DESC`,
            [jobId, follows.stage, run],
          );
    return rows.map((row) => {
      const checked = validateEvent(row.envelope);
      // The projector stored only events that passed this same check.
      if (!checked.ok) throw new Error(`stored event of job ${jobId} is invalid: ${checked.reason}`);
      return { event: checked.event, topic: row.source_topic };
    });
  }
}
