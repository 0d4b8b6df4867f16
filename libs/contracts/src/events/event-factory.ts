import { deriveEventId } from '../event-id';
import { runOf, type EventActor, type EventEnvelope } from './envelope';
import { EVENT_VERSIONS, type EventType, type JobEvent } from './job-events';

type EventOf<T extends EventType> = Extract<JobEvent, { type: T }>;

/**
 * Builds the event that `cause` leads to, with the derived deterministic id (design invariant 2), the
 * cause's job, tenant, correlation ids and run, and `causationId` = the cause's id.
 */
export function causedEvent<T extends EventType>(
  cause: EventEnvelope,
  type: T,
  data: EventOf<T>['data'],
  options: { discriminator?: string | number; occurredAt?: Date } = {},
): EventOf<T> {
  const event: EventEnvelope<T, EventOf<T>['data']> = {
    id: deriveEventId(cause.id, type, options.discriminator),
    type,
    version: EVENT_VERSIONS[type],
    jobId: cause.jobId,
    tenantId: cause.tenantId,
    correlationId: cause.correlationId,
    causationId: cause.id,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    ...(runOf(cause) > 0 ? { run: runOf(cause) } : {}),
    data,
  };
  return event as unknown as EventOf<T>;
}

/**
 * A copy of `original` that starts run `run` of its job: same type and data, a new id derived from the
 * original's id and the run (so re-publishing the same re-run dedupes), caused by the original, asked
 * for by `actor` (the original's actor is not copied: the re-run is someone's new request).
 */
export function rerunEvent<E extends JobEvent>(
  original: E,
  run: number,
  occurredAt: Date = new Date(),
  actor?: EventActor,
): E {
  const { actor: _originalActor, ...copied } = original;
  return {
    ...(copied as E),
    ...(actor ? { actor } : {}),
    id: deriveEventId(original.id, 'rerun', run),
    causationId: original.id,
    occurredAt: occurredAt.toISOString(),
    run,
  };
}
