import type { ClassConstructor } from 'class-transformer';
import type { FieldError } from '../field-error';
import { describeStage, JOB_CATALOG } from '../jobs/job-catalog';
import { findUnstorableText, mayHoldUnstorableEscape } from '../unstorable-text';
import { checkPlain } from '../validation';
import { EventEnvelopeDto, type EventEnvelope } from './envelope';
import { EVENT_DATA_SCHEMAS, EVENT_VERSIONS, EventTypes, type EventType, type JobEvent } from './job-events';

/** An event that fails its schema, with every problem found. */
export class InvalidEventError extends Error {
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(`${message}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

export type DecodeOutcome =
  { ok: true; event: JobEvent } | { ok: false; reason: string; errors: FieldError[] };

function isKnownType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_DATA_SCHEMAS, type);
}

/**
 * Checks an envelope and its data against the schema of its type (and version), and that every string
 * in it (keys too) can be stored by the read models (no NUL, no lone surrogate): an event the
 * projector could never write is refused when produced and dead-lettered when consumed.
 */
export function validateEvent(candidate: unknown): DecodeOutcome {
  return validateParsed(candidate, true);
}

function validateParsed(candidate: unknown, checkText: boolean): DecodeOutcome {
  if (checkText) {
    const unstorable = findUnstorableText(candidate);
    if (unstorable) return { ok: false, reason: 'unstorable text', errors: [unstorable] };
  }
  const envelope = checkPlain(EventEnvelopeDto, candidate);
  if (!envelope.ok) return { ok: false, reason: 'invalid envelope', errors: envelope.errors };
  const { type, version, data } = envelope.value;
  if (!isKnownType(type)) {
    return {
      ok: false,
      reason: 'unknown event type',
      errors: [{ path: 'type', message: `unknown type ${type}` }],
    };
  }
  if (version !== EVENT_VERSIONS[type]) {
    return {
      ok: false,
      reason: 'unsupported event version',
      errors: [{ path: 'version', message: `${type} version ${version} is not supported` }],
    };
  }
  const schema: ClassConstructor<object> = EVENT_DATA_SCHEMAS[type];
  const dataCheck = checkPlain(schema, data, 'data');
  if (!dataCheck.ok) return { ok: false, reason: 'invalid event data', errors: dataCheck.errors };
  const nested = validateNestedPayload(type, data as Record<string, unknown>);
  if (nested.length > 0) return { ok: false, reason: 'invalid event data', errors: nested };
  // Keep the original plain object (not the class instance) so re-encoding is byte-stable.
  return { ok: true, event: candidate as JobEvent };
}

/** Job inputs and stage results are typed by job type / stage, so they are checked by lookup. */
function validateNestedPayload(type: EventType, data: Record<string, unknown>): FieldError[] {
  if (type === EventTypes.JobRequested || type === EventTypes.StageRetryScheduled) {
    const request = (type === EventTypes.JobRequested ? data : data.request) as Record<string, unknown>;
    const prefix = type === EventTypes.JobRequested ? 'data.input' : 'data.request.input';
    const descriptor = JOB_CATALOG[request.jobType as keyof typeof JOB_CATALOG];
    if (!descriptor) return [{ path: prefix, message: 'unknown job type' }];
    // A retry of a later stage (a document's page) carries that stage's input: the previous stage's
    // result, validated when that result was published.
    if (type === EventTypes.StageRetryScheduled && data.stage !== descriptor.stage) return [];
    const input = checkPlain(descriptor.inputDto, request.input, prefix);
    return input.ok ? [] : input.errors;
  }
  if (type === EventTypes.StageCompleted) {
    const descriptor = describeStage(String(data.stage));
    if (!descriptor) return [{ path: 'data.stage', message: 'unknown stage' }];
    const result = checkPlain(descriptor.resultDto, data.result, 'data.result');
    return result.ok ? [] : result.errors;
  }
  return [];
}

/** Parses and validates a Kafka message value. Never throws. */
export function decodeEvent(value: Buffer | null): DecodeOutcome {
  if (value === null || value.length === 0) {
    return {
      ok: false,
      reason: 'empty message',
      errors: [{ path: '(root)', message: 'message has no value' }],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      reason: 'not JSON',
      errors: [{ path: '(root)', message: error instanceof Error ? error.message : 'invalid JSON' }],
    };
  }
  try {
    // Only a \u escape in the bytes can decode to NUL or a lone surrogate: most events skip the walk.
    return validateParsed(parsed, mayHoldUnstorableEscape(value));
  } catch (error) {
    // class-transformer throws on some shapes (e.g. a `constructor` key that is not a function in free-form
    // data); a consumer must dead-letter such a message, not fail its batch forever.
    return {
      ok: false,
      reason: 'invalid event',
      errors: [{ path: '(root)', message: error instanceof Error ? error.message : 'cannot be validated' }],
    };
  }
}

declare const encoded: unique symbol;

/** The bytes of an event that passed its schema: only encodeEvent makes them. */
export type EncodedEvent = Buffer & { readonly [encoded]: true };

/**
 * Validates then serialises an event; a producer never writes an event that fails its schema. Throws
 * InvalidEventError (with every problem) for an invalid event.
 */
export function encodeEvent(event: EventEnvelope): EncodedEvent {
  const outcome = validateEvent(event);
  if (!outcome.ok)
    throw new InvalidEventError(`refusing to publish ${event.type} ${event.id}`, outcome.errors);
  return Buffer.from(JSON.stringify(event), 'utf8') as EncodedEvent;
}
