import type { DataSource } from 'typeorm';
import {
  CORRELATION_ID_PATTERN,
  DEFAULT_TENANT_ID,
  JOB_PRIORITIES,
  JOB_TYPES,
  REQUEST_TOPICS,
  TENANT_PATTERN,
} from '@app/contracts';
import type { DeadLetterEntry, Logger } from '@app/platform';
import { notifyJobChanges } from '../notifications/job-change-channel';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records dead-letter entries in ops.dead_letters. An entry id seen before (the same message
 * dead-lettered again after a crash, or by another replica) keeps its first record and redrive state.
 */
export class DeadLetterWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** Returns how many entries were new. Throws when PostgreSQL is unavailable (nothing is lost). */
  async record(entries: DeadLetterEntry[]): Promise<number> {
    let inserted = 0;
    for (const entry of entries) {
      try {
        const stored = storable(entry);
        const fresh = await this.insert(stored);
        inserted += fresh;
        if (fresh > 0) await this.failJob(stored);
      } catch (error) {
        // A value PostgreSQL refuses (data exception, class 22) would fail the batch forever: skip it.
        if (!isDataException(error)) throw error;
        this.logger.warn(
          { deadLetterId: entry.id, err: (error as Error).message },
          'dead-letter entry cannot be stored; skipped',
        );
      }
    }
    return inserted;
  }

  /**
   * An event of a job that no consumer could take (`invalidMessage`) or the projector could not write
   * (`unprojectable`) leaves the job unfinished for good: it shows FAILED with error
   * EVENT_DEAD_LETTERED naming the entry, unless it already finished. Order-tolerant: when the job row
   * is not there yet, a hidden placeholder (as for an early cancellation) keeps the failure, and a later
   * request fold shows it. A request that was itself dead-lettered (on a request topic, its value still
   * JSON naming the job and a job type) makes the job visible, so `GET /jobs/{id}` tells what happened.
   */
  private async failJob(entry: DeadLetterEntry): Promise<void> {
    const jobId = entry.original.key;
    if (entry.reason === 'retriesExhausted' || jobId === null || !UUID.test(jobId)) return;
    const request = requestOf(entry, jobId.toLowerCase());
    const { topic, partition, offset } = entry.source;
    const firstError = entry.errors[0] ? `: ${entry.errors[0].path} ${entry.errors[0].message}` : '';
    const error = {
      code: 'EVENT_DEAD_LETTERED',
      message: withoutNul(
        `${entry.reason}: ${entry.detail}${firstError} (${topic}/${partition}/${offset}, dead-letter ${entry.id})`,
      ),
      retryable: false,
    };
    await this.dataSource.query(
      `INSERT INTO jobs (id, tenant_id, type, status, priority, correlation_id, error, requested, created_at,
         finished_at, outcome_version)
       VALUES ($1, $2, $3, 'FAILED', $4, $5, $6, $7, $8, $9, '${DEAD_LETTER_OUTCOME}')
       ON CONFLICT (id) DO UPDATE SET status = 'FAILED', result = NULL, error = EXCLUDED.error,
         finished_at = EXCLUDED.finished_at, outcome_version = EXCLUDED.outcome_version,
         requested = jobs.requested OR EXCLUDED.requested,
         type = CASE WHEN jobs.type = 'unknown' THEN EXCLUDED.type ELSE jobs.type END,
         priority = COALESCE(jobs.priority, EXCLUDED.priority),
         created_at = COALESCE(jobs.created_at, EXCLUDED.created_at)
       WHERE jobs.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`,
      [
        jobId.toLowerCase(),
        request?.tenantId ?? DEFAULT_TENANT_ID,
        request?.jobType ?? 'unknown',
        request?.priority ?? null,
        request?.correlationId ?? entry.original.headers['x-correlation-id'] ?? 'dead-letter',
        JSON.stringify(error),
        request !== null,
        request?.createdAt ?? null,
        entry.failedAt,
      ],
    );
    // After the row committed (no transaction here): live streams see the failure.
    await notifyJobChanges(this.dataSource, [jobId.toLowerCase()]);
  }

  private async insert(entry: DeadLetterEntry): Promise<number> {
    const key = entry.original.key;
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO ops.dead_letters (id, reason, source_topic, source_partition, source_offset, source_group,
         job_id, tenant_id, detail, errors, original, attempts, failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        entry.id,
        entry.reason,
        entry.source.topic,
        entry.source.partition,
        entry.source.offset,
        entry.source.group,
        key !== null && UUID.test(key) ? key.toLowerCase() : null,
        tenantOf(entry),
        entry.detail,
        JSON.stringify(entry.errors),
        JSON.stringify(entry.original),
        entry.attempts,
        entry.failedAt,
      ],
    );
    return rows.length;
  }
}

/**
 * PostgreSQL text and jsonb cannot hold NUL (nor jsonb a lone surrogate): a text value with NUL is kept
 * exactly as base64, and NUL or a lone surrogate in the descriptive fields (detail, errors, key, headers)
 * becomes U+FFFD.
 */
function storable(entry: DeadLetterEntry): DeadLetterEntry {
  const { original } = entry;
  const value =
    original.valueEncoding === 'utf8' && original.value?.includes('\u0000')
      ? { value: Buffer.from(original.value, 'utf8').toString('base64'), valueEncoding: 'base64' as const }
      : { value: original.value, valueEncoding: original.valueEncoding };
  return {
    ...entry,
    detail: withoutNul(entry.detail),
    errors: entry.errors.map((e) => ({ path: withoutNul(e.path), message: withoutNul(e.message) })),
    original: {
      key: original.key === null ? null : withoutNul(original.key),
      ...value,
      headers: Object.fromEntries(
        Object.entries(original.headers).map(([name, header]) => [withoutNul(name), withoutNul(header)]),
      ),
    },
  };
}

/** NUL and lone UTF-16 surrogates (which jsonb refuses: an `errors` path may name a bad key) become U+FFFD. */
const withoutNul = (text: string): string =>
  (text as unknown as { toWellFormed(): string }).toWellFormed().replaceAll('\u0000', '\uFFFD');

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * The dead-lettered event's envelope `tenantId` when the value parses far enough to tell: JSON text, an
 * object, and a `tenantId` that is a tenant name (TENANT_PATTERN). Anything less: null (unknown). Migration
 * 1774000000000 reads the entries recorded before it the same way.
 */
export function tenantOf(entry: DeadLetterEntry): string | null {
  const { value, valueEncoding } = entry.original;
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, valueEncoding).toString('utf8'));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const tenantId = (parsed as { tenantId?: unknown }).tenantId;
  return typeof tenantId === 'string' && TENANT_PATTERN.test(tenantId) ? tenantId : null;
}

/** outcome_version of a job failed by a dead letter: no stage outcome of the same run replaces it. */
export const DEAD_LETTER_OUTCOME = 'dead-letter';

interface DeadLetteredRequest {
  tenantId: string;
  jobType: string;
  priority: string | null;
  correlationId: string | null;
  createdAt: string | null;
}

/** What a dead-lettered request still tells about its job (only plain, checked fields), or null. */
function requestOf(entry: DeadLetterEntry, jobId: string): DeadLetteredRequest | null {
  const { original } = entry;
  if (!(REQUEST_TOPICS as readonly string[]).includes(entry.source.topic) || original.value === null)
    return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(original.value, original.valueEncoding).toString('utf8'));
  } catch {
    return null;
  }
  const envelope = parsed as {
    jobId?: unknown;
    tenantId?: unknown;
    correlationId?: unknown;
    occurredAt?: unknown;
    data?: unknown;
  };
  if (envelope === null || typeof envelope !== 'object' || String(envelope.jobId).toLowerCase() !== jobId)
    return null;
  const data = (envelope.data ?? {}) as { jobType?: unknown; priority?: unknown };
  const jobType = JOB_TYPES.find((type) => type === data.jobType);
  if (!jobType) return null;
  const tenantId =
    typeof envelope.tenantId === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(envelope.tenantId)
      ? envelope.tenantId
      : DEFAULT_TENANT_ID;
  const correlationId =
    typeof envelope.correlationId === 'string' && CORRELATION_ID_PATTERN.test(envelope.correlationId)
      ? envelope.correlationId
      : null;
  const at = typeof envelope.occurredAt === 'string' ? new Date(envelope.occurredAt) : null;
  return {
    tenantId,
    jobType,
    priority: JOB_PRIORITIES.find((priority) => priority === data.priority) ?? null,
    correlationId,
    // Re-formatted: the original text may be one PostgreSQL cannot read (that may be why it is here).
    createdAt: at !== null && !Number.isNaN(at.getTime()) ? at.toISOString() : entry.failedAt,
  };
}
