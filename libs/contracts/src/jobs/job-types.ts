export const JOB_TYPES = ['scrape', 'risk', 'document'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** Types `POST /jobs` accepts (documents arrive through `POST /documents`). */
export const SUBMITTABLE_JOB_TYPES = ['scrape', 'risk'] as const satisfies readonly JobType[];
export type SubmittableJobType = (typeof SUBMITTABLE_JOB_TYPES)[number];

export const JOB_PRIORITIES = ['high', 'normal', 'low'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

export const JOB_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Why a job or an attempt failed. `retryable` tells whether another attempt could succeed. */
export interface JobError {
  code: string;
  message: string;
  retryable: boolean;
}
