import type { FieldError } from '@app/contracts';
import type { DeadLetterEntry, DeadLetterReason } from '@app/platform';

/** A dead-letter entry as the admin API returns it, with its redrive state. */
export interface DeadLetterView {
  id: string;
  reason: DeadLetterReason;
  source: DeadLetterEntry['source'];
  /** The original key when it is a job id (a UUID). */
  jobId: string | null;
  /** The dead-lettered event's envelope `tenantId`, when its value parses far enough to tell; else null. */
  tenantId: string | null;
  detail: string;
  errors: FieldError[];
  attempts: number | null;
  failedAt: string;
  redrivenAt: string | null;
  redriveCount: number;
  original: DeadLetterEntry['original'];
}

/** A row of ops.dead_letters. */
export interface DeadLetterRow {
  id: string;
  reason: DeadLetterReason;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  source_group: string;
  job_id: string | null;
  tenant_id: string | null;
  detail: string;
  errors: FieldError[];
  original: DeadLetterEntry['original'];
  attempts: number | null;
  failed_at: Date;
  redriven_at: Date | null;
  redrive_count: number;
}

export function toDeadLetterView(row: DeadLetterRow): DeadLetterView {
  return {
    id: row.id,
    reason: row.reason,
    source: {
      topic: row.source_topic,
      partition: row.source_partition,
      offset: String(row.source_offset),
      group: row.source_group,
    },
    jobId: row.job_id,
    tenantId: row.tenant_id,
    detail: row.detail,
    errors: row.errors,
    attempts: row.attempts,
    failedAt: row.failed_at.toISOString(),
    redrivenAt: row.redriven_at === null ? null : row.redriven_at.toISOString(),
    redriveCount: row.redrive_count,
    original: row.original,
  };
}
