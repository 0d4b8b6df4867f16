import { EventTypes, runOf, type JobEvent } from '@app/contracts';
import type { ProjectableEvent } from './job-projection';

type Query = { query: (sql: string, parameters?: unknown[]) => Promise<unknown> };

const OUTCOME_TYPES: readonly string[] = [
  EventTypes.StageAttemptFailed,
  EventTypes.StageCompleted,
  EventTypes.StageFailed,
];
const TERMINAL_TYPES: readonly string[] = [EventTypes.StageCompleted, EventTypes.StageFailed];
const STAGE_TYPES: readonly string[] = [EventTypes.StageStarted, ...OUTCOME_TYPES];

interface StageEventData {
  stage: string;
  stageVersion: string;
  attempt: number;
  page?: number;
}

/**
 * What is already known of one stage of one job (of one page, for per-page stages), in one run of the
 * job and one stage version: a re-run, or a replay by a new stage version, starts a record of its own.
 */
interface StageRecord {
  attemptsWithOutcome: Set<number>;
  /** The attempt that ended the stage (StageCompleted or StageFailed), once there is one. */
  terminalAttempt: number | null;
}

function stageData(event: JobEvent): StageEventData | undefined {
  return STAGE_TYPES.includes(event.type) ? (event.data as StageEventData) : undefined;
}

const stageKey = (
  jobId: string,
  stage: string,
  page: number | null | undefined,
  run: number,
  version: string,
): string => `${jobId}/${stage}/${page ?? ''}/${run}/${version}`;

/**
 * Drops stage events that contradict what the log already said, so a redelivered attempt cannot apply
 * a second result. Delivery is at-least-once: a stage killed (or fenced by a rebalance) after publishing
 * an attempt's outcome but before committing its input runs that attempt again, and work that depends on
 * the outside world (a page, a deadline) may end differently the second time. Outcome events are keyed
 * by their type, so the second outcome has a new id and id deduplication alone would apply both. The
 * rules, with "first" meaning first in the log (so live projection and rebuild agree):
 *  - an attempt has one outcome (StageAttemptFailed, StageCompleted or StageFailed): the first;
 *  - once a stage (of a page) has its terminal outcome, no event of a later attempt is applied (the
 *    retry a contradicting re-run scheduled runs, but changes nothing). A late StageStarted of an
 *    earlier attempt still is: the log may hold it after the outcome when its first send failed.
 * Relies on a job's stage events arriving in log order (one topic, key = job id).
 */
export async function dropContradictingStageEvents(
  manager: Query,
  events: ProjectableEvent[],
): Promise<ProjectableEvent[]> {
  const jobIds = [...new Set(events.filter((e) => stageData(e.event)).map((e) => e.event.jobId))];
  if (jobIds.length === 0) return events;
  const known = (await manager.query(
    `SELECT job_id::text AS job_id, type, envelope->'data'->>'stage' AS stage,
            (envelope->'data'->>'page')::int AS page, (envelope->'data'->>'attempt')::int AS attempt,
            COALESCE((envelope->>'run')::int, 0) AS run, envelope->'data'->>'stageVersion' AS version
     FROM job_events WHERE job_id = ANY($1::uuid[]) AND type = ANY($2::text[])`,
    [jobIds, OUTCOME_TYPES],
  )) as {
    job_id: string;
    type: string;
    stage: string;
    page: number | null;
    attempt: number;
    run: number;
    version: string;
  }[];

  const records = new Map<string, StageRecord>();
  const recordOf = (key: string): StageRecord => {
    let record = records.get(key);
    if (!record) records.set(key, (record = { attemptsWithOutcome: new Set(), terminalAttempt: null }));
    return record;
  };
  for (const row of known) {
    const record = recordOf(stageKey(row.job_id, row.stage, row.page, row.run, row.version));
    record.attemptsWithOutcome.add(row.attempt);
    if (TERMINAL_TYPES.includes(row.type)) record.terminalAttempt = row.attempt;
  }

  return events.filter(({ event }) => {
    const data = stageData(event);
    if (!data) return true;
    const record = recordOf(stageKey(event.jobId, data.stage, data.page, runOf(event), data.stageVersion));
    if (record.terminalAttempt !== null && data.attempt > record.terminalAttempt) return false;
    if (!OUTCOME_TYPES.includes(event.type)) return true;
    if (record.attemptsWithOutcome.has(data.attempt)) return false;
    record.attemptsWithOutcome.add(data.attempt);
    if (TERMINAL_TYPES.includes(event.type)) record.terminalAttempt = data.attempt;
    return true;
  });
}
