import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@app/contracts';
import { JobQueries } from './job-queries';
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
  private readonly jobs: JobQueries;

  constructor(private readonly dataSource: DataSource) {
    this.jobs = new JobQueries(dataSource);
  }

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
   * The jobs' rows, then the events of `cursors`' jobs numbered after their cursor (in job_seq order).
   * The rows are read first: an event that made a job terminal is committed with its row, so it is in
   * the second read whenever the first saw the terminal status.
   */
  async read(jobIds: string[], cursors: Map<string, number>): Promise<StreamRead> {
    const jobs = await this.jobs.getJobsWithTenant(jobIds);
    const rows: {
      epoch: string;
      job_id: string | null;
      job_seq: string | null;
      envelope: EventEnvelope | null;
    }[] = await this.dataSource.query(
      `SELECT ('job_events'::regclass)::oid::text AS epoch, e.job_id, e.job_seq, e.envelope
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (
           SELECT e.job_id, e.job_seq, e.envelope
           FROM unnest($1::uuid[], $2::bigint[]) AS c(job_id, after)
           JOIN job_events e ON e.job_id = c.job_id AND e.job_seq > c.after
         ) AS e ON true
         ORDER BY e.job_id, e.job_seq`,
      [[...cursors.keys()], [...cursors.values()]],
    );
    const events: SequencedEvent[] = [];
    for (const row of rows) {
      if (row.job_id !== null && row.job_seq !== null && row.envelope !== null) {
        events.push({ jobId: row.job_id, seq: Number(row.job_seq), envelope: row.envelope });
      }
    }
    return {
      epoch: rows[0]?.epoch ?? '',
      jobs: new Map(jobs.map((entry) => [entry.job.id, entry])),
      events,
    };
  }
}
