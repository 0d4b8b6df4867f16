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
}

export interface JobPage {
  items: JobView[];
  nextCursor: string | null;
}

export type JobEventView = EventEnvelope;
