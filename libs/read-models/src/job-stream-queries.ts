import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@app/contracts';
import { JOB_WITH_STAGES_SQL, jobWithTenant, type JobWithStagesRow } from './job-queries';
import type { JobView } from './job-views';

/** An event of a job with its number in the order the job's events became visible (`job_seq`). */
export interface SequencedEvent {
  jobId: string;
  seq: number;
  envelope: EventEnvelope;
}

/** What live streams read after a notification: the jobs' rows and their events past a cursor. */
export interface StreamRead {
  /**
   * Identifies the numbering of `job_seq`: the object id of the `job_events` table, which a rebuild
   * replaces (and numbers again from the log). A resume id of another epoch is stale.
   */
  epoch: string;
  jobs: Map<string, { tenantId: string; job: JobView }>;
  events: SequencedEvent[];
}

/** The reads of the live streams (`GET /jobs/{id}/stream`, `GET /jobs/stream`), batched over jobs. */
export class JobStreamQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** The position of one of the job's events (a resumed stream starts after it); null if it has none such. */
  async positionOf(jobId: string, eventId: string): Promise<{ epoch: string; seq: number } | null> {
    const rows: { epoch: string; job_seq: string }[] = await this.dataSource.query(
      `SELECT ('job_events'::regclass)::oid::text AS epoch, job_seq FROM job_events
       WHERE event_id = $1 AND job_id = $2`,
      [eventId, jobId],
    );
    return rows.length === 0 ? null : { epoch: rows[0].epoch, seq: Number(rows[0].job_seq) };
  }

  /**
   * The jobs' rows and the events of `cursors`' jobs numbered after their cursor (in job_seq order), in
   * one statement: one round trip, and one snapshot, so an event that made a job terminal (committed
   * with its row) is there whenever the row shows the terminal status.
   */
  async read(jobIds: string[], cursors: Map<string, number>): Promise<StreamRead> {
    const rows: (Partial<JobWithStagesRow> & {
      epoch: string;
      events: { seq: number; envelope: EventEnvelope }[] | null;
      cursor_job_id: string | null;
    })[] = await this.dataSource.query(
      `WITH c AS (SELECT * FROM unnest($2::uuid[], $3::bigint[]) AS c(job_id, after)),
            jr AS (${JOB_WITH_STAGES_SQL} WHERE j.id = ANY($1::uuid[]) AND j.requested)
       SELECT ('job_events'::regclass)::oid::text AS epoch, x.*
         FROM (SELECT 1) AS one
         LEFT JOIN (
           SELECT jr.*, c.job_id AS cursor_job_id, ev.events
             FROM jr FULL JOIN c ON c.job_id = jr.id
             LEFT JOIN LATERAL (
               SELECT json_agg(json_build_object('seq', e.job_seq, 'envelope', e.envelope) ORDER BY e.job_seq)
                 AS events
               FROM job_events e WHERE e.job_id = c.job_id AND e.job_seq > c.after
             ) AS ev ON true
         ) AS x ON true`,
      [jobIds, [...cursors.keys()], [...cursors.values()]],
    );
    const jobs = new Map<string, { tenantId: string; job: JobView }>();
    const events: SequencedEvent[] = [];
    for (const row of rows) {
      if (row.id) {
        const entry = jobWithTenant(row as JobWithStagesRow);
        jobs.set(entry.job.id, entry);
      }
      if (row.cursor_job_id === null) continue;
      for (const event of row.events ?? []) {
        events.push({ jobId: row.cursor_job_id, seq: Number(event.seq), envelope: event.envelope });
      }
    }
    return { epoch: rows[0]?.epoch ?? '', jobs, events };
  }
}
