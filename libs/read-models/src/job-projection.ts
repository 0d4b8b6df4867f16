import type { EntityManager } from 'typeorm';
import { EventTypes, type JobEvent, type JobRequested } from '@app/contracts';

/** An event with its position in the log (kept so a job's history has a stable order on rebuild). */
export interface ProjectableEvent {
  event: JobEvent;
  topic: string;
  partition: number;
  offset: string;
  /** Trace id from the message's traceparent header (the job's trace, for JobRequested). */
  traceId?: string | null;
}

/**
 * Folds events into the read models. Each event is applied at most once (its id is the primary key of
 * job_events; a duplicate insert is skipped and so is its fold), and every fold is order-tolerant:
 * a stage event may arrive before the request it answers, and a terminal status never goes back.
 * Call inside a transaction; returns how many events were new.
 */
export async function applyEvents(manager: EntityManager, events: ProjectableEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const inserted: { event_id: string }[] = await manager.query(
    `INSERT INTO job_events (event_id, job_id, type, occurred_at, source_topic, source_partition, source_offset, envelope)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::bigint[], $8::jsonb[])
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [
      events.map((e) => e.event.id),
      events.map((e) => e.event.jobId),
      events.map((e) => e.event.type),
      events.map((e) => e.event.occurredAt),
      events.map((e) => e.topic),
      events.map((e) => e.partition),
      events.map((e) => e.offset),
      events.map((e) => JSON.stringify(e.event)),
    ],
  );
  const fresh = new Set(inserted.map((row) => row.event_id));
  // Folds run in job-id order so concurrent transactions lock job rows in one order (no deadlocks).
  const toFold = events
    .filter((e) => fresh.delete(e.event.id))
    .sort((a, b) => (a.event.jobId < b.event.jobId ? -1 : a.event.jobId > b.event.jobId ? 1 : 0));
  for (const { event, traceId } of toFold) await fold(manager, event, traceId ?? null);
  return toFold.length;
}

const TERMINAL = `('SUCCEEDED','FAILED','CANCELLED')`;

/**
 * Creates or completes the job row from its request. Idempotent in effect (it sets the same fields to
 * the same values), which lets the gateway apply it right after Kafka acknowledged the request, so a
 * client's `GET /jobs/{id}` after `202` finds the job before the projector has caught up.
 */
export async function foldJobRequested(
  manager: Pick<EntityManager, 'query'>,
  event: JobRequested,
  traceId: string | null = null,
): Promise<void> {
  const { data } = event;
  await manager.query(
    `INSERT INTO jobs (id, tenant_id, type, status, priority, input, correlation_id, idempotency_key, requested, created_at, trace_id)
     VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, true, $8, $9)
     ON CONFLICT (id) DO UPDATE SET
       type = EXCLUDED.type, priority = EXCLUDED.priority, input = EXCLUDED.input,
       correlation_id = EXCLUDED.correlation_id, idempotency_key = EXCLUDED.idempotency_key,
       requested = true, created_at = EXCLUDED.created_at,
       trace_id = COALESCE(EXCLUDED.trace_id, jobs.trace_id)`,
    [
      event.jobId,
      event.tenantId,
      data.jobType,
      data.priority,
      JSON.stringify(data.input),
      event.correlationId,
      data.idempotencyKey ?? null,
      event.occurredAt,
      traceId,
    ],
  );
}

async function fold(manager: EntityManager, event: JobEvent, traceId: string | null): Promise<void> {
  switch (event.type) {
    case EventTypes.JobRequested:
      await foldJobRequested(manager, event, traceId);
      return;
    case EventTypes.StageStarted:
    case EventTypes.StageAttemptFailed: {
      const { data } = event;
      const startedAt = event.type === EventTypes.StageStarted ? event.occurredAt : null;
      await upsertRunning(manager, event, data.stage, data.attempt, startedAt);
      await upsertStage(
        manager,
        event.jobId,
        data.stage,
        'RUNNING',
        data.attempt,
        data.stageVersion,
        startedAt,
        null,
        null,
      );
      return;
    }
    case EventTypes.StageCompleted: {
      const { data } = event;
      await upsertRunning(manager, event, data.stage, data.attempt, null);
      await manager.query(
        `UPDATE jobs SET status = 'SUCCEEDED', result = $2, error = NULL, finished_at = $3
         WHERE id = $1 AND status NOT IN ${TERMINAL}`,
        [event.jobId, JSON.stringify(data.result), event.occurredAt],
      );
      await upsertStage(
        manager,
        event.jobId,
        data.stage,
        'SUCCEEDED',
        data.attempt,
        data.stageVersion,
        null,
        event.occurredAt,
        null,
      );
      return;
    }
    case EventTypes.StageFailed: {
      const { data } = event;
      await upsertRunning(manager, event, data.stage, data.attempt, null);
      await manager.query(
        `UPDATE jobs SET status = 'FAILED', error = $2, finished_at = $3
         WHERE id = $1 AND status NOT IN ${TERMINAL}`,
        [event.jobId, JSON.stringify(data.error), event.occurredAt],
      );
      await upsertStage(
        manager,
        event.jobId,
        data.stage,
        'FAILED',
        data.attempt,
        data.stageVersion,
        null,
        event.occurredAt,
        data.error,
      );
      return;
    }
    case EventTypes.StageRetryScheduled:
      // Internal scheduling message of a retry topic; the attempt failure it follows is already recorded.
      return;
  }
}

/** Creates the job row if the request has not been seen yet, moves PENDING to RUNNING, counts attempts. */
async function upsertRunning(
  manager: EntityManager,
  event: JobEvent,
  stage: string,
  attempt: number,
  startedAt: string | null,
): Promise<void> {
  await manager.query(
    `INSERT INTO jobs (id, tenant_id, type, status, correlation_id, attempts, started_at)
     VALUES ($1, $2, $3, 'RUNNING', $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET
       status = CASE WHEN jobs.status = 'PENDING' THEN 'RUNNING' ELSE jobs.status END,
       attempts = GREATEST(jobs.attempts, EXCLUDED.attempts),
       started_at = CASE
         WHEN EXCLUDED.started_at IS NULL THEN jobs.started_at
         WHEN jobs.started_at IS NULL THEN EXCLUDED.started_at
         ELSE LEAST(jobs.started_at, EXCLUDED.started_at) END`,
    [event.jobId, event.tenantId, stage, event.correlationId, attempt, startedAt],
  );
}

async function upsertStage(
  manager: EntityManager,
  jobId: string,
  stage: string,
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED',
  attempt: number,
  stageVersion: string,
  startedAt: string | null,
  finishedAt: string | null,
  error: object | null,
): Promise<void> {
  await manager.query(
    `INSERT INTO job_stages (job_id, stage, status, attempts, stage_version, error, started_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
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
      jobId,
      stage,
      status,
      attempt,
      stageVersion,
      error === null ? null : JSON.stringify(error),
      startedAt,
      finishedAt,
    ],
  );
}
