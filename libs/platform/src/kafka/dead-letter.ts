import { nameBasedUuid, Topics, type FieldError } from '@app/contracts';
import type { RawMessage } from './event-publisher';
import type { StringHeaders } from './message-headers';

/**
 * Why a message was given up: `invalidMessage` (not JSON, failing its schema, or holding text the read
 * models cannot store), `retriesExhausted` (a retryable failure on a stage's last attempt),
 * `unprojectable` (a valid event the projector could not write to PostgreSQL after bounded tries).
 */
export type DeadLetterReason = 'invalidMessage' | 'retriesExhausted' | 'unprojectable';

/** Every DeadLetterReason, for parsers, filters and the OpenAPI enum. */
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'invalidMessage',
  'retriesExhausted',
  'unprojectable',
];

/** What a dead-letter entry records: enough to inspect the message and send it back to its stage. */
export interface DeadLetterEntry {
  id: string;
  reason: DeadLetterReason;
  detail: string;
  errors: FieldError[];
  source: { topic: string; partition: number; offset: string; group: string };
  original: {
    key: string | null;
    value: string | null;
    valueEncoding: 'utf8' | 'base64';
    headers: StringHeaders;
  };
  attempts: number | null;
  failedAt: string;
}

export interface SourceMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: StringHeaders;
}

export interface DeadLetterOptions {
  /** Attempts made before giving up (retriesExhausted). */
  attempts?: number;
  /** Tells apart entries for one message that failed more than once (the pages of one document). */
  discriminator?: string;
}

function encodeValue(value: Buffer | null): { value: string | null; valueEncoding: 'utf8' | 'base64' } {
  if (value === null) return { value: null, valueEncoding: 'utf8' };
  const text = value.toString('utf8');
  // Bytes that are not valid UTF-8 are kept exactly, as base64; so is text with NUL, which PostgreSQL's
  // text and jsonb cannot store.
  return Buffer.from(text, 'utf8').equals(value) && !text.includes('\u0000')
    ? { value: text, valueEncoding: 'utf8' }
    : { value: value.toString('base64'), valueEncoding: 'base64' };
}

/**
 * Builds the dead-letter message for a consumed message. The entry id is a function of the source
 * position and group, so re-dead-lettering the same message after a crash yields the same entry.
 * The original key and headers (trace context included) are kept on the dead-letter message too.
 */
export function deadLetterMessage(
  source: SourceMessage,
  group: string,
  reason: DeadLetterReason,
  detail: string,
  errors: FieldError[],
  options: DeadLetterOptions = {},
): RawMessage {
  const key = source.key === null ? null : source.key.toString('utf8');
  const discriminator = options.discriminator === undefined ? '' : `|${options.discriminator}`;
  const entry: DeadLetterEntry = {
    id: nameBasedUuid(
      `dlq|${group}|${source.topic}|${source.partition}|${source.offset}|${reason}${discriminator}`,
    ),
    reason,
    detail,
    errors,
    source: { topic: source.topic, partition: source.partition, offset: source.offset, group },
    original: { key, ...encodeValue(source.value), headers: source.headers },
    attempts: options.attempts ?? null,
    failedAt: new Date().toISOString(),
  };
  return {
    topic: Topics.DeadLetter,
    key,
    value: JSON.stringify(entry),
    headers: { ...source.headers, 'x-dead-letter-reason': reason, 'x-dead-letter-id': entry.id },
  };
}
