import { Topics, type FieldError } from '@app/contracts';
import { DEAD_LETTER_REASONS, type DeadLetterEntry, type DeadLetterReason } from './dead-letter';

export type DeadLetterParseOutcome = { ok: true; entry: DeadLetterEntry } | { ok: false; reason: string };

const REASONS: readonly DeadLetterReason[] = DEAD_LETTER_REASONS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Kafka's legal topic names. */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const OFFSET = /^(0|[1-9]\d{0,18})$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2 ** 31 - 1;

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a message of the dead-letter topic back into an entry, checking every field, because anyone
 * can write to that topic: whatever passes is safe to store and to redrive. Never throws.
 */
export function parseDeadLetterEntry(value: Buffer | null): DeadLetterParseOutcome {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const problem = problemOf(parsed);
  return problem === null
    ? { ok: true, entry: normalized(parsed as DeadLetterEntry) }
    : { ok: false, reason: problem };
}

function problemOf(candidate: unknown): string | null {
  if (!isPlain(candidate)) return 'not an object';
  const { id, reason, detail, errors, source, original, attempts, failedAt } = candidate;
  if (typeof id !== 'string' || !UUID.test(id)) return 'id must be a UUID';
  if (typeof reason !== 'string' || !REASONS.includes(reason as DeadLetterReason))
    return `reason must be one of ${REASONS.join(', ')}`;
  if (typeof detail !== 'string') return 'detail must be a string';
  if (!Array.isArray(errors) || !errors.every(isFieldError)) return 'errors must be [{ path, message }]';
  const sourceProblem = problemOfSource(source);
  if (sourceProblem) return sourceProblem;
  const originalProblem = problemOfOriginal(original);
  if (originalProblem) return originalProblem;
  if (attempts !== null && !(Number.isInteger(attempts) && (attempts as number) >= 1))
    return 'attempts must be a positive integer or null';
  if (typeof failedAt !== 'string' || !/^\d{4}-/.test(failedAt) || Number.isNaN(Date.parse(failedAt)))
    return 'failedAt must be a date-time';
  return null;
}

function problemOfSource(source: unknown): string | null {
  if (!isPlain(source)) return 'source must be an object';
  const { topic, partition, offset, group } = source;
  if (typeof topic !== 'string' || !TOPIC.test(topic)) return 'source.topic must be a topic name';
  // Nothing reads the dead-letter topic as a stage input, so nothing can come from there.
  if (topic === Topics.DeadLetter) return 'source.topic must not be the dead-letter topic';
  if (!Number.isInteger(partition) || (partition as number) < 0 || (partition as number) > INT32_MAX)
    return 'source.partition must be a partition number';
  if (typeof offset !== 'string' || !OFFSET.test(offset) || BigInt(offset) > INT64_MAX)
    return 'source.offset must be an offset';
  if (typeof group !== 'string' || group.length === 0 || group.length > 255)
    return 'source.group must be a group name';
  return null;
}

function problemOfOriginal(original: unknown): string | null {
  if (!isPlain(original)) return 'original must be an object';
  const { key, value, valueEncoding, headers } = original;
  if (key !== null && typeof key !== 'string') return 'original.key must be a string or null';
  if (value !== null && typeof value !== 'string') return 'original.value must be a string or null';
  if (valueEncoding !== 'utf8' && valueEncoding !== 'base64')
    return 'original.valueEncoding must be utf8 or base64';
  if (!isPlain(headers) || !Object.values(headers).every((header) => typeof header === 'string'))
    return 'original.headers must map names to strings';
  return null;
}

function isFieldError(value: unknown): value is FieldError {
  return isPlain(value) && typeof value.path === 'string' && typeof value.message === 'string';
}

/** Only the fields of an entry (extra ones dropped), with the time in one format. */
function normalized(entry: DeadLetterEntry): DeadLetterEntry {
  return {
    id: entry.id.toLowerCase(),
    reason: entry.reason,
    detail: entry.detail,
    errors: entry.errors.map(({ path, message }) => ({ path, message })),
    source: {
      topic: entry.source.topic,
      partition: entry.source.partition,
      offset: entry.source.offset,
      group: entry.source.group,
    },
    original: {
      key: entry.original.key,
      value: entry.original.value,
      valueEncoding: entry.original.valueEncoding,
      headers: { ...entry.original.headers },
    },
    attempts: entry.attempts,
    failedAt: new Date(entry.failedAt).toISOString(),
  };
}
