import type { JobError } from '@app/contracts';

/** A failure a stage executor reports on purpose: a stable code and whether a retry could help. */
export class StageFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'StageFailure';
  }
}

/** Any error with a string `code` and boolean `retryable` is a deliberate failure (duck-typed). */
function isDeliberateFailure(error: unknown): error is Error & { code: string; retryable: boolean } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { retryable?: unknown }).retryable === 'boolean'
  );
}

/** Maps what an executor threw to the JobError recorded on the job. Unknown errors may be transient. */
export function toJobError(error: unknown): JobError {
  if (isDeliberateFailure(error)) {
    // Kept within the JobError schema (code 1-100 chars), or the failure event could not be published.
    const code = storable(error.code.slice(0, 100)) || 'INTERNAL_ERROR';
    return { code, message: storable(error.message.slice(0, 2000)), retryable: error.retryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL_ERROR', message: storable(message.slice(0, 2000)), retryable: true };
}

/**
 * An error's text as the read models can store it: NUL and lone surrogates (a slice may also cut a
 * surrogate pair in two) become U+FFFD. Otherwise the failure event would fail its own schema, the
 * publish would throw, and the same input would be redelivered and fail the same way for ever.
 */
function storable(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

// NUL is exactly what this pattern is for (PostgreSQL json/jsonb cannot store it).
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
