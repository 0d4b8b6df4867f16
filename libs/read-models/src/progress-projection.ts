import { EventTypes, runOf, type StageProgressed } from '@app/contracts';
import { jsonbElements } from './jsonb-elements';

interface Query {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** A progress event with its position in the log (its stage's events topic). */
export interface PositionedProgress {
  event: StageProgressed;
  topic: string;
  offset: string;
}

/** The outcomes that end an attempt: its progress is over once one of them is in the log before it. */
const ATTEMPT_OUTCOMES = [EventTypes.StageCompleted, EventTypes.StageFailed, EventTypes.StageAttemptFailed];

/**
 * `jobs.progress`: the latest `StageProgressed` (by event time) of the job's current run, kept after the
 * job finished as its last report. A progress event changes nothing when
 * - it is of another run than the job's (an older run's late report; a newer run resets progress);
 * - the job holds a later report (a late report of an earlier attempt or page);
 * - an outcome of the same stage and page, of its attempt or a later one, of the same run, comes before
 *   it in the log (a redelivered attempt re-reporting after its outcome never resurrects it).
 * A job's progress and outcomes share one partition (its stage's events topic, key = job id), so "before
 * it in the log" is an offset compare there, and the answer is the same live and after a rebuild,
 * whatever batches the events came in. Never touches status: progress alone does not make a job RUNNING.
 * Events of distinct jobs (one round of the fold).
 */
export async function foldProgress(manager: Query, events: PositionedProgress[]): Promise<void> {
  await manager.query(
    `UPDATE jobs SET progress = u.progress
     FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::int[], $6::timestamptz[], $7::text[], $8::bigint[], ${jsonbElements(9)})
       AS u(id, run, stage, page, attempt, at, topic, "offset", progress)
     WHERE jobs.id = u.id AND jobs.run = u.run
       AND (jobs.progress IS NULL OR (jobs.progress->>'at')::timestamptz <= u.at)
       AND NOT EXISTS (
         SELECT 1 FROM job_events e
         WHERE e.job_id = u.id AND e.type = ANY($10::text[])
           AND e.source_topic = u.topic AND e.source_offset < u."offset"
           AND e.envelope->'data'->>'stage' = u.stage
           AND (e.envelope->'data'->>'page')::int IS NOT DISTINCT FROM u.page
           AND (e.envelope->'data'->>'attempt')::int >= u.attempt
           AND COALESCE((e.envelope->>'run')::int, 0) = u.run)`,
    [
      events.map((p) => p.event.jobId),
      events.map((p) => runOf(p.event)),
      events.map((p) => p.event.data.stage),
      events.map((p) => p.event.data.page ?? null),
      events.map((p) => p.event.data.attempt),
      events.map((p) => p.event.occurredAt),
      events.map((p) => p.topic),
      events.map((p) => p.offset),
      JSON.stringify(events.map((p) => progressView(p.event))),
      ATTEMPT_OUTCOMES,
    ],
  );
}

/** What `GET /jobs/{id}` shows of a progress event (JobProgressView). */
function progressView(event: StageProgressed): Record<string, unknown> {
  const { stage, attempt, page, done, total, unit, message } = event.data;
  return {
    stage,
    attempt,
    page: page ?? null,
    done,
    total: total ?? null,
    unit,
    message: message ?? null,
    at: event.occurredAt,
  };
}
