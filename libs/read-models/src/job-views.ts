import type { EventEnvelope, JobError, JobPriority, JobStatus, JobType } from '@app/contracts';

/** A stage's progress on a job, as `GET /jobs/{id}` shows it. */
export interface JobStageView {
  stage: string;
  status: string;
  attempts: number;
  stageVersion: string | null;
  error: JobError | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * The latest progress a stage reported in the job's current run (`StageProgressed`), kept after the
 * job finished as its last report.
 */
export interface JobProgressView {
  stage: string;
  attempt: number;
  /** The page it is about (per-page stages, and split as it renders pages), else null. */
  page: number | null;
  done: number;
  total: number | null;
  unit: string;
  message: string | null;
  at: string;
}

/** A log line of a stage (`StageLogged`), as `GET /jobs/{id}/logs` lists it. */
export interface JobLogLineView {
  id: string;
  at: string;
  run: number;
  stage: string;
  attempt: number;
  page: number | null;
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

export interface JobLogPage {
  items: JobLogLineView[];
  nextCursor: string | null;
}

/** A job as the API returns it (plain data, never an ORM row). */
export interface JobView {
  id: string;
  /** The tenant of the key that submitted the job. */
  tenantId: string;
  type: JobType;
  status: JobStatus;
  priority: JobPriority;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: JobError | null;
  attempts: number;
  /** 0 for the first run; each re-run (retry, per-job replay) increments it. */
  run: number;
  correlationId: string;
  traceId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  stages: JobStageView[];
  /** The latest progress of the current run, or null (none reported: fast attempts report none). */
  progress: JobProgressView | null;
}

export interface JobPage {
  items: JobView[];
  nextCursor: string | null;
}

export type JobEventView = EventEnvelope;
