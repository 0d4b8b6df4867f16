import type { FieldError } from '@app/contracts';

/** Domain errors of the API, mapped to problem responses by ProblemDetailsFilter. */
export class RequestValidationError extends Error {
  constructor(
    readonly errors: FieldError[],
    message = 'The request is invalid',
  ) {
    super(message);
  }
}

export class JobNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(`No job ${jobId}`);
  }
}

/** The job exists, but the trace store (Jaeger) has no trace of it (yet): 404. */
export class TraceNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(`Jaeger has no trace of job ${jobId} (yet: spans are exported in batches; or it was not sampled)`);
  }
}

export class DeadLetterNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No dead-letter entry ${id}`);
  }
}

export class ApiKeyNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No API key ${id}`);
  }
}

export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
  }
}

export class IdempotentRequestInProgressError extends Error {
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly');
  }
}

/** A dependency (Kafka, Postgres) did not answer; the client should retry later. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    cause?: unknown,
  ) {
    super(`${dependency} is unavailable`, { cause });
  }
}

/**
 * A dependency this gateway was not configured to reach (503 like an unavailable one, but without
 * Retry-After: retrying the same gateway cannot help until its operator sets `variable`).
 */
export class DependencyNotConfiguredError extends Error {
  constructor(
    readonly dependency: string,
    readonly variable: string,
  ) {
    super(`${dependency} is not configured on this gateway (${variable} is not set)`);
  }
}

/** The job's state does not allow the operation (cancel a finished job, retry a running one). */
export class JobConflictError extends Error {}

export class UnsupportedMediaTypeError extends Error {}

/** A tenant's unfinished jobs of a type are over its share of the type's admission limit (429). */
export class TenantBacklogShareError extends Error {
  constructor(
    readonly tenant: string,
    readonly jobType: string,
    readonly unfinished: number,
    readonly share: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Tenant ${tenant} has ${unfinished} ${jobType} jobs waiting or running, its share of the backlog is ` +
        `${share}; retry in about ${retryAfterSeconds} s`,
    );
  }
}

/** Admission control: the job type's stages are too far behind to take more work now. */
export class AdmissionRejectedError extends Error {
  constructor(
    readonly jobType: string,
    readonly backlog: number,
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `The ${jobType} stages are ${backlog} messages behind, over the limit of ${limit}; retry in about ${retryAfterSeconds} s`,
    );
  }
}

/** No API key, or one that is unknown, revoked or expired (401). The message never echoes the key. */
export class UnauthenticatedError extends Error {
  constructor(readonly reason: 'missing' | 'invalid') {
    super(
      reason === 'missing'
        ? 'This route needs an API key: send Authorization: Bearer <key> (or X-API-Key: <key>)'
        : 'The API key is not valid: unknown, revoked or expired',
    );
  }
}

/** A known key whose role does not allow the route (403). */
export class ForbiddenError extends Error {}

/** The gateway already serves STREAM_MAX_PER_GATEWAY live streams (503; another replica may have room). */
export class StreamCapacityError extends Error {
  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `This gateway already serves its limit of ${limit} live streams; retry in about ${retryAfterSeconds} s`,
    );
  }
}
