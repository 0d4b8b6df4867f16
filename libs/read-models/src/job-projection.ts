import type { EntityManager } from 'typeorm';
import {
  EventTypes,
  runOf,
  type JobCancelRequested,
  type JobEvent,
  type JobRequested,
  type StageAttemptFailed,
  type StageCompleted,
  type StageFailed,
  type StageStarted,
} from '@app/contracts';
import { foldDocumentEvent, isDocumentStage } from './document-projection';
import { jsonbElements } from './jsonb-elements';
import { dropContradictingStageEvents } from './stage-outcome-guard';
import { foldProgress, type PositionedProgress } from './progress-projection';

/** An event with its position in the log (kept so a job's history has a stable order on rebuild). */
export interface ProjectableEvent {
  event: JobEvent;
  topic: string;
  partition: number;
  offset: string;
  /** Trace id from the message's traceparent header (the job's trace, for JobRequested). */
  traceId?: string | null;
}

type Query = Pick<EntityManager, 'query'>;
type StageEvent = StageStarted | StageAttemptFailed | StageCompleted | StageFailed;

/**
 * Folds events into the read models. Each event is applied at most once (its id is the primary key of
 * job_events; a duplicate insert is skipped and so is its fold), a stage attempt has one outcome (see
 * dropContradictingStageEvents), and every fold is order-tolerant:
 * a stage event may arrive before the request it answers, and a terminal status never goes back.
 * Call inside a transaction; returns how many events were new.
 *
 * Set-based: the new events are split into rounds, round k holding the k-th new event of every job
 * (in batch order), and each round is folded with a few multi-row statements. A job appears at most
 * once per round and its rounds run in order, so the result is exactly that of folding the events one
 * by one in batch order, at a handful of statements per batch instead of several per event.
 */
export async function applyEvents(manager: Query, batch: ProjectableEvent[]): Promise<number> {
  // A stage replay request (jobs.control) names an operation, not a job: nothing to record or fold.
  const jobEvents = batch.filter((e) => e.event.type !== EventTypes.StageReplayRequested);
  if (jobEvents.length === 0) return 0;
  const events = await dropContradictingStageEvents(manager, jobEvents);
  if (events.length === 0) return 0;
  const inserted: { event_id: string }[] = await manager.query(INSERT_NUMBERED_EVENTS_SQL, [
    events.map((e) => e.event.id),
    events.map((e) => e.event.jobId),
    events.map((e) => e.event.type),
    events.map((e) => e.event.occurredAt),
    events.map((e) => e.topic),
    events.map((e) => e.partition),
    events.map((e) => e.offset),
    JSON.stringify(events.map((e) => e.event)),
  ]);
  const fresh = new Set(inserted.map((row) => row.event_id));
  // Folds run in job-id order so concurrent transactions lock job rows in one order (no deadlocks);
  // the sort is stable, so a job's own events keep their batch (= log) order.
  const toFold = events
    .filter((e) => fresh.delete(e.event.id))
    .sort((a, b) => (a.event.jobId < b.event.jobId ? -1 : a.event.jobId > b.event.jobId ? 1 : 0));
  const rounds: ProjectableEvent[][] = [];
  let previousJob: string | null = null;
  let index = 0;
  for (const item of toFold) {
    // Internal scheduling message of a retry topic: recorded in the history, nothing to fold.
    if (item.event.type === EventTypes.StageRetryScheduled) continue;
    index = item.event.jobId === previousJob ? index + 1 : 0;
    previousJob = item.event.jobId;
    (rounds[index] ??= []).push(item);
  }
  for (const round of rounds) await foldRound(manager, round);
  return toFold.length;
}

/**
 * Inserts the batch's new events, numbering each job's new events `job_seq` = its last number + 1, 2, ...
 * in batch order, in the same statement. The upsert of `job_event_seqs` (in job-id order, so concurrent
 * transactions lock in one order) holds each job's row lock until commit: another transaction adding
 * events to the same job waits, then continues from the committed number, so a job's numbers are unique
 * and increase in commit order (what a live stream's resume relies on), whatever runs concurrently
 * (retried batches, projector replicas, a rebuild's partitions). An event already recorded is not
 * numbered again; one recorded concurrently while this waited is skipped by ON CONFLICT and leaves a
 * gap (numbers only increase, they need not be consecutive).
 */
const INSERT_NUMBERED_EVENTS_SQL = `
  WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::bigint[], ${jsonbElements(8)})
      WITH ORDINALITY AS i(event_id, job_id, type, occurred_at, source_topic, source_partition, source_offset, envelope, ord)
  ), fresh AS (
    SELECT DISTINCT ON (i.event_id) i.* FROM incoming i
    WHERE NOT EXISTS (SELECT 1 FROM job_events e WHERE e.event_id = i.event_id)
    ORDER BY i.event_id, i.ord
  ), numbered AS (
    SELECT f.*, row_number() OVER (PARTITION BY f.job_id ORDER BY f.ord) AS rank,
           count(*) OVER (PARTITION BY f.job_id) AS count
    FROM fresh f
  ), seqs AS (
    INSERT INTO job_event_seqs AS s (job_id, last_seq)
    SELECT job_id, count(*) FROM fresh GROUP BY job_id ORDER BY job_id
    ON CONFLICT (job_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
    RETURNING s.job_id, s.last_seq
  )
  INSERT INTO job_events (event_id, job_id, type, occurred_at, source_topic, source_partition, source_offset, envelope, job_seq)
  SELECT n.event_id, n.job_id, n.type, n.occurred_at, n.source_topic, n.source_partition, n.source_offset, n.envelope,
         s.last_seq - n.count + n.rank
  FROM numbered n JOIN seqs s ON s.job_id = n.job_id
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id`;

const TERMINAL = `('SUCCEEDED','FAILED','CANCELLED')`;

/**
 * A cancellation (jobs.control) and a stage's outcome (its events topic) can race across topics, and a
 * rebuild may read them in the other order. So the terminal state is the earliest one by event time,
 * not the first one folded: the same answer live and after a replay (design invariant 5).
 */
const EARLIER_TERMINAL = `jobs.status IN ('SUCCEEDED','FAILED','CANCELLED') AND jobs.finished_at <= EXCLUDED.finished_at`;

/**
 * A cancellation ends the job CANCELLED unless it already finished. The request may not have been
 * folded yet (cross-topic order): then a hidden placeholder row keeps the cancellation until it comes.
 */
export async function foldCancellations(manager: Query, events: JobCancelRequested[]): Promise<void> {
  await manager.query(
    `INSERT INTO jobs (id, tenant_id, type, status, correlation_id, finished_at, run)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::int[])
     ON CONFLICT (id) DO UPDATE SET
       status = CASE WHEN ${EARLIER_TERMINAL} THEN jobs.status ELSE 'CANCELLED' END,
       finished_at = CASE WHEN ${EARLIER_TERMINAL} THEN jobs.finished_at ELSE EXCLUDED.finished_at END`,
    [
      events.map((e) => e.jobId),
      events.map((e) => e.tenantId),
      events.map(() => 'unknown'),
      events.map(() => 'CANCELLED'),
      events.map((e) => e.correlationId),
      events.map((e) => e.occurredAt),
      events.map((e) => runOf(e)),
    ],
  );
}

/** Folds events of distinct jobs (sorted by job id): the same statements as one by one, row-set wide. */
async function foldRound(manager: Query, round: ProjectableEvent[]): Promise<void> {
  const currentRuns = await startNewerRuns(manager, round);
  const requests: { event: JobRequested; traceId: string | null }[] = [];
  const stageEvents: StageEvent[] = [];
  const cancellations: JobCancelRequested[] = [];
  const progress: PositionedProgress[] = [];
  for (const { event, traceId, topic, offset } of round) {
    // A request's fields are the same in every run (a re-run copies it): always folded.
    if (event.type === EventTypes.JobRequested) requests.push({ event, traceId: traceId ?? null });
    // An older run's events stay in the history only.
    else if (runOf(event) < (currentRuns.get(event.jobId) ?? 0)) continue;
    else if (event.type === EventTypes.JobCancelRequested) cancellations.push(event);
    else if (event.type === EventTypes.StageProgressed) progress.push({ event, topic, offset });
    // Log lines are read from job_events (GET /jobs/{id}/logs): nothing to fold.
    else if (event.type === EventTypes.StageLogged) continue;
    else if (event.type !== EventTypes.StageRetryScheduled && event.type !== EventTypes.StageReplayRequested)
      stageEvents.push(event);
  }
  if (requests.length > 0) await foldJobRequests(manager, requests);
  if (cancellations.length > 0) await foldCancellations(manager, cancellations);
  if (stageEvents.length > 0) await foldStageEvents(manager, stageEvents);
  if (progress.length > 0) await foldProgress(manager, progress);
  for (const event of [...requests.map((r) => r.event), ...stageEvents]) {
    if (
      event.type === EventTypes.JobRequested
        ? event.data.jobType === 'document'
        : isDocumentStage(event.data.stage)
    ) {
      await foldDocumentEvent(manager, event);
    }
  }
}

/**
 * The first event of a newer run resets its job to a fresh, pending run (the history keeps the old
 * run's events). Returns every round job's current run after that.
 */
async function startNewerRuns(manager: Query, round: ProjectableEvent[]): Promise<Map<string, number>> {
  const rerun = round.filter((item) => runOf(item.event) > 0);
  if (rerun.length > 0) {
    await resetJobRuns(
      manager,
      rerun.map((item) => ({ jobId: item.event.jobId, run: runOf(item.event) })),
    );
  }
  // Also for run-0 events: their job may already be on a later run (cross-topic order, a rebuild).
  const rows: { id: string; run: number }[] = await manager.query(
    `SELECT id, run FROM jobs WHERE id = ANY($1::uuid[])`,
    [round.map((item) => item.event.jobId)],
  );
  return new Map(rows.map((row) => [row.id, row.run]));
}

/**
 * Moves each job to `run` (if it is on an older one): PENDING, no result, error or attempts yet. Shared
 * by the fold and by the gateway's read-your-writes after it published a re-run.
 */
export async function resetJobRuns(manager: Query, runs: { jobId: string; run: number }[]): Promise<void> {
  await manager.query(
    `UPDATE jobs SET run = u.run, status = 'PENDING', result = NULL, error = NULL, attempts = 0,
       started_at = NULL, finished_at = NULL, outcome_version = NULL, progress = NULL
     FROM unnest($1::uuid[], $2::int[]) AS u(id, run)
     WHERE jobs.id = u.id AND jobs.run < u.run`,
    [runs.map((r) => r.jobId), runs.map((r) => r.run)],
  );
}

/**
 * Within a run, the earliest terminal outcome wins (see EARLIER_TERMINAL), except that an outcome of
 * another stage version (a stage reprocessed after a deploy) supersedes an older one. A failure recorded
 * from a dead letter (outcome_version 'dead-letter', see DeadLetterWriter) stays: only a new run clears it.
 */
const OUTCOME_APPLIES = `(jobs.status NOT IN ${TERMINAL}
  OR (jobs.status = 'CANCELLED' AND jobs.finished_at > u.finished_at)
  OR (jobs.status IN ('SUCCEEDED','FAILED') AND jobs.outcome_version IS DISTINCT FROM u.version AND jobs.finished_at < u.finished_at
      AND jobs.outcome_version IS DISTINCT FROM 'dead-letter'))`;

async function foldStageEvents(manager: Query, stageEvents: StageEvent[]): Promise<void> {
  await upsertRunning(manager, stageEvents);
  // A StageCompleted finishes the job only for a job's final stage; a document finishes in the fan-in.
  const completed = stageEvents.filter(
    (e): e is StageCompleted => e.type === EventTypes.StageCompleted && !isDocumentStage(e.data.stage),
  );
  if (completed.length > 0) {
    await manager.query(
      `UPDATE jobs SET status = 'SUCCEEDED', result = u.result, error = NULL, finished_at = u.finished_at,
         outcome_version = u.version
       FROM unnest($1::uuid[], ${jsonbElements(2)}, $3::timestamptz[], $4::text[]) AS u(id, result, finished_at, version)
       WHERE jobs.id = u.id AND ${OUTCOME_APPLIES}`,
      [
        completed.map((e) => e.jobId),
        JSON.stringify(completed.map((e) => e.data.result)),
        completed.map((e) => e.occurredAt),
        completed.map((e) => e.data.stageVersion),
      ],
    );
  }
  const failed = stageEvents.filter((e): e is StageFailed => e.type === EventTypes.StageFailed);
  if (failed.length > 0) {
    await manager.query(
      `UPDATE jobs SET status = 'FAILED', result = NULL, error = u.error, finished_at = u.finished_at,
         outcome_version = u.version
       FROM unnest($1::uuid[], $2::jsonb[], $3::timestamptz[], $4::text[]) AS u(id, error, finished_at, version)
       WHERE jobs.id = u.id AND ${OUTCOME_APPLIES}`,
      [
        failed.map((e) => e.jobId),
        failed.map((e) => JSON.stringify(e.data.error)),
        failed.map((e) => e.occurredAt),
        failed.map((e) => e.data.stageVersion),
      ],
    );
  }
  await upsertStages(manager, stageEvents);
}

/**
 * Creates or completes the job row from its request. Idempotent in effect (it sets the same fields to
 * the same values), which lets the gateway apply it right after Kafka acknowledged the request, so a
 * client's `GET /jobs/{id}` after `202` finds the job before the projector has caught up.
 */
export async function foldJobRequested(
  manager: Query,
  event: JobRequested,
  traceId: string | null = null,
): Promise<void> {
  await foldJobRequests(manager, [{ event, traceId }]);
}

/** A request to fold, with the trace it was accepted in. */
export interface RequestToFold {
  event: JobRequested;
  traceId: string | null;
}

/** foldJobRequested for requests of distinct jobs, in one statement. */
export async function foldJobRequests(manager: Query, requests: RequestToFold[]): Promise<void> {
  await manager.query(
    `INSERT INTO jobs (id, tenant_id, type, status, priority, input, correlation_id, idempotency_key, requested, created_at, trace_id, run)
     SELECT id, tenant_id, type, 'PENDING', priority, input, correlation_id, idempotency_key, true, created_at, trace_id, run
     FROM unnest(${REQUEST_COLUMNS_SQL})
       AS r(id, tenant_id, type, priority, input, correlation_id, idempotency_key, created_at, trace_id, run)
     ON CONFLICT (id) DO UPDATE SET
       type = EXCLUDED.type, priority = EXCLUDED.priority, input = EXCLUDED.input,
       correlation_id = EXCLUDED.correlation_id, idempotency_key = EXCLUDED.idempotency_key,
       requested = true, created_at = LEAST(EXCLUDED.created_at, COALESCE(jobs.created_at, EXCLUDED.created_at)),
       trace_id = COALESCE(jobs.trace_id, EXCLUDED.trace_id)`,
    requestColumns(requests),
  );
}

/**
 * `unnest(...)` arguments of `requestColumns`, in its order: id, tenant_id, type, priority, input,
 * correlation_id, idempotency_key, created_at, trace_id, run.
 */
export const REQUEST_COLUMNS_SQL = `$1::uuid[], $2::text[], $3::text[], $4::text[], ${jsonbElements(5)}, $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::int[]`;

/** Requests of distinct jobs as one array per column (the parameters of REQUEST_COLUMNS_SQL). */
export function requestColumns(requests: RequestToFold[]): unknown[] {
  return [
    requests.map((r) => r.event.jobId),
    requests.map((r) => r.event.tenantId),
    requests.map((r) => r.event.data.jobType),
    requests.map((r) => r.event.data.priority),
    JSON.stringify(requests.map((r) => r.event.data.input)),
    requests.map((r) => r.event.correlationId),
    requests.map((r) => r.event.data.idempotencyKey ?? null),
    requests.map((r) => r.event.occurredAt),
    requests.map((r) => r.traceId),
    requests.map((r) => runOf(r.event)),
  ];
}

/** Creates the job row if the request has not been seen yet, moves PENDING to RUNNING, counts attempts. */
async function upsertRunning(manager: Query, events: StageEvent[]): Promise<void> {
  await manager.query(
    `INSERT INTO jobs (id, tenant_id, type, status, correlation_id, attempts, started_at, run)
     SELECT id, tenant_id, type, 'RUNNING', correlation_id, attempts, started_at, run
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::int[])
       AS s(id, tenant_id, type, correlation_id, attempts, started_at, run)
     ON CONFLICT (id) DO UPDATE SET
       status = CASE WHEN jobs.status = 'PENDING' THEN 'RUNNING' ELSE jobs.status END,
       attempts = GREATEST(jobs.attempts, EXCLUDED.attempts),
       started_at = CASE
         WHEN EXCLUDED.started_at IS NULL THEN jobs.started_at
         WHEN jobs.started_at IS NULL THEN EXCLUDED.started_at
         ELSE LEAST(jobs.started_at, EXCLUDED.started_at) END`,
    [
      events.map((e) => e.jobId),
      events.map((e) => e.tenantId),
      events.map((e) => e.data.stage),
      events.map((e) => e.correlationId),
      events.map((e) => e.data.attempt),
      events.map((e) => (e.type === EventTypes.StageStarted ? e.occurredAt : null)),
      events.map((e) => runOf(e)),
    ],
  );
}

/** The stage's row per event: RUNNING on start / attempt failure, terminal on completion / failure. */
async function upsertStages(manager: Query, events: StageEvent[]): Promise<void> {
  await restartStages(manager, events);
  const status = (e: StageEvent): string =>
    e.type === EventTypes.StageCompleted
      ? 'SUCCEEDED'
      : e.type === EventTypes.StageFailed
        ? 'FAILED'
        : 'RUNNING';
  const terminal = (e: StageEvent): boolean =>
    e.type === EventTypes.StageCompleted || e.type === EventTypes.StageFailed;
  await manager.query(
    `INSERT INTO job_stages (job_id, stage, status, attempts, stage_version, error, started_at, finished_at, run)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::timestamptz[], $9::int[])
     ON CONFLICT (job_id, stage) DO UPDATE SET
       status = CASE WHEN job_stages.status IN ${TERMINAL} THEN job_stages.status ELSE EXCLUDED.status END,
       attempts = GREATEST(job_stages.attempts, EXCLUDED.attempts),
       stage_version = COALESCE(EXCLUDED.stage_version, job_stages.stage_version),
       error = CASE WHEN job_stages.status IN ${TERMINAL} THEN job_stages.error ELSE COALESCE(EXCLUDED.error, job_stages.error) END,
       started_at = CASE
         WHEN EXCLUDED.started_at IS NULL THEN job_stages.started_at
         WHEN job_stages.started_at IS NULL THEN EXCLUDED.started_at
         ELSE LEAST(job_stages.started_at, EXCLUDED.started_at) END,
       finished_at = COALESCE(job_stages.finished_at, EXCLUDED.finished_at)`,
    [
      events.map((e) => e.jobId),
      events.map((e) => e.data.stage),
      events.map(status),
      events.map((e) => e.data.attempt),
      events.map((e) => e.data.stageVersion),
      events.map((e) => (e.type === EventTypes.StageFailed ? JSON.stringify(e.data.error) : null)),
      events.map((e) => (e.type === EventTypes.StageStarted ? e.occurredAt : null)),
      events.map((e) => (terminal(e) ? e.occurredAt : null)),
      events.map((e) => runOf(e)),
    ],
  );
}

/**
 * A stage row starts over for an event of a newer run, or of another stage version once the row has
 * finished (a reprocessing after a deploy); the history keeps the earlier events.
 */
async function restartStages(manager: Query, events: StageEvent[]): Promise<void> {
  await manager.query(
    `UPDATE job_stages SET run = u.run, status = 'RUNNING', attempts = 0, stage_version = u.version,
       error = NULL, started_at = NULL, finished_at = NULL
     FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[]) AS u(job_id, stage, run, version, at)
     WHERE job_stages.job_id = u.job_id AND job_stages.stage = u.stage
       AND (job_stages.run < u.run
         OR (job_stages.status IN ${TERMINAL} AND job_stages.stage_version IS DISTINCT FROM u.version
             AND job_stages.finished_at < u.at))`,
    [
      events.map((e) => e.jobId),
      events.map((e) => e.data.stage),
      events.map((e) => runOf(e)),
      events.map((e) => e.data.stageVersion),
      events.map((e) => e.occurredAt),
    ],
  );
}
