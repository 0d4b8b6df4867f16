import type { ScrapeErrorCode } from '@app/contracts/plain';

export interface ScrapeFailureOptions {
  retryable?: boolean;
  statusCode?: number;
  cause?: unknown;
}

/**
 * A scrape that ended without a result. `code` is part of the job contract; `retryable` tells the
 * caller whether trying the same URL again later may succeed.
 */
export class ScrapeFailure extends Error {
  override readonly name = 'ScrapeFailure';
  readonly code: ScrapeErrorCode;
  readonly retryable: boolean;
  readonly statusCode?: number;

  constructor(code: ScrapeErrorCode, message: string, options: ScrapeFailureOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? defaultRetryable(code, options.statusCode);
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
  }

  /** Failure for a non-2xx final response: 5xx, 408 and 429 are retryable, other statuses are not. */
  static http(statusCode: number, url: string): ScrapeFailure {
    return new ScrapeFailure(`HTTP_${statusCode}`, `${url} answered HTTP ${statusCode}`, { statusCode });
  }
}

/** Retry semantics of each code when not given explicitly. */
export function defaultRetryable(code: ScrapeErrorCode, statusCode?: number): boolean {
  switch (code) {
    case 'TIMEOUT':
    case 'NETWORK_ERROR':
      return true;
    case 'TOO_MANY_REDIRECTS':
    case 'RESPONSE_TOO_LARGE':
    case 'UNSUPPORTED_CONTENT_TYPE':
    case 'BLOCKED_ADDRESS':
    case 'INVALID_URL':
      return false;
    default: {
      const status = statusCode ?? Number(code.slice('HTTP_'.length));
      return status >= 500 || status === 408 || status === 429;
    }
  }
}

/**
 * The caller's AbortSignal fired. Deliberately NOT a ScrapeFailure: a cancelled scrape has no outcome
 * to record and must not be retried or reported as a timeout.
 */
export class ScrapeAborted extends Error {
  override readonly name = 'ScrapeAborted';
  readonly code = 'CANCELLED' as const;

  constructor(reason?: unknown) {
    super('scrape cancelled by caller', reason === undefined ? undefined : { cause: reason });
  }
}

export function isScrapeFailure(error: unknown): error is ScrapeFailure {
  return error instanceof ScrapeFailure;
}
