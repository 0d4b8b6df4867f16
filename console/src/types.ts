/** The shapes of the API the console reads (docs/api.md, the OpenAPI document at /docs). */
export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export const JOB_STATUSES: JobStatus[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const JOB_TYPES = ['scrape', 'risk', 'document'] as const;
export const JOB_PRIORITIES = ['high', 'normal', 'low'] as const;
export const TERMINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface JobError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface JobStage {
  stage: string;
  status: string;
  attempts: number;
  stageVersion: string | null;
  error: JobError | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobProgress {
  stage: string;
  attempt: number;
  page: number | null;
  done: number;
  total: number | null;
  unit: string;
  message: string | null;
  at: string;
}

export interface Job {
  id: string;
  tenantId?: string;
  type: string;
  status: JobStatus;
  priority: string;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: JobError | null;
  attempts: number;
  run?: number;
  correlationId: string;
  traceId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  stages?: JobStage[];
  progress?: JobProgress | null;
}

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

export interface JobEvent {
  id: string;
  type: string;
  jobId: string;
  occurredAt: string;
  run?: number;
  actor?: { keyId: string; role: string; tenant: string };
  data: {
    stage?: string;
    attempt?: number;
    page?: number;
    error?: JobError;
    retryAt?: string;
    notBefore?: string;
    done?: number;
    total?: number | null;
    unit?: string;
    message?: string | null;
    level?: string;
    jobType?: string;
    priority?: string;
    reason?: string | null;
    [field: string]: unknown;
  };
}

export interface LogLine {
  id: string;
  at: string;
  run: number;
  stage: string;
  attempt: number;
  page: number | null;
  level: string;
  message: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
