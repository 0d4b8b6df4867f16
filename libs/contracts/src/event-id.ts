import { createHash, randomUUID } from 'node:crypto';

/** Fixed namespace of our name-based (RFC 9562 version 5) event ids. Never change it: ids must be stable. */
const EVENT_ID_NAMESPACE = Buffer.from('6f1c1f8e4b6a4d5c9a0b3c2d1e0f9a8b', 'hex');

/** RFC 9562 UUID version 5 of `name` in our namespace. */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(EVENT_ID_NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of an event caused by another (design invariant 2): a function of the causing event's id, the
 * output's type and, where one input yields several outputs of a type, a discriminator (a page number).
 * Redelivery of the same input therefore produces the same output id, and consumers dedupe on it.
 */
export function deriveEventId(causationId: string, type: string, discriminator?: string | number): string {
  const suffix = discriminator === undefined ? '' : `|${discriminator}`;
  return nameBasedUuid(`${causationId}|${type}${suffix}`);
}

/** The id of the JobRequested event that starts a job: derived from the job id, so a re-publish dedupes. */
export function jobRequestedEventId(jobId: string): string {
  return nameBasedUuid(`job|${jobId}|JobRequested`);
}

/** A job id for a request with an Idempotency-Key: the same tenant and key always name the same job. */
export function jobIdForIdempotencyKey(tenantId: string, key: string): string {
  return nameBasedUuid(`idempotency|${tenantId}|${key}`);
}

export function newJobId(): string {
  return randomUUID();
}

/** The cancellation of a job's run: one id per run, so repeated DELETEs dedupe in the read models. */
export function jobCancelRequestedEventId(jobId: string, run = 0): string {
  return nameBasedUuid(
    run === 0 ? `job|${jobId}|JobCancelRequested` : `job|${jobId}|${run}|JobCancelRequested`,
  );
}
