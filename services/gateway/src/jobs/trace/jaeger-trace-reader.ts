import { DependencyNotConfiguredError, DependencyUnavailableError } from '../../http/api-errors';
import { normaliseJaegerTrace, type JaegerTraceJson, type JobTrace } from './job-trace';

/** A W3C / Jaeger trace id as the read model keeps it. */
const TRACE_ID = /^[0-9a-f]{16,32}$/i;

/** The service whose span starts every job's trace (the submitting HTTP request). */
const ROOT_SERVICE = 'gateway';

export interface JaegerTraceReaderOptions {
  /** Jaeger's query API base URL; undefined: every read answers DependencyNotConfiguredError. */
  queryUrl: string | undefined;
  timeoutMs: number;
}

/**
 * Jaeger's query API (`/api/traces/{id}`, `/api/traces?service=&tags=`), the one way the gateway reads
 * traces. Answers our own JobTrace shape; Jaeger unreachable, slow (over `timeoutMs`) or answering an
 * error is DependencyUnavailableError (503 with Retry-After), not configured DependencyNotConfiguredError
 * (503 without); no such trace is null.
 */
export class JaegerTraceReader {
  constructor(
    private readonly options: JaegerTraceReaderOptions,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  get configured(): boolean {
    return this.options.queryUrl !== undefined;
  }

  /**
   * The job's trace: by the trace id the read model holds when there is one, else the trace whose
   * gateway span carries the tag `job.id` = `jobId`.
   */
  async jobTrace(jobId: string, traceId: string | null): Promise<JobTrace | null> {
    const base = this.options.queryUrl;
    if (base === undefined) {
      throw new DependencyNotConfiguredError('Jaeger', 'JAEGER_QUERY_URL');
    }
    const traces =
      traceId !== null && TRACE_ID.test(traceId)
        ? await this.get(`${base}/api/traces/${traceId.toLowerCase()}`)
        : await this.get(
            `${base}/api/traces?service=${ROOT_SERVICE}&limit=5&tags=${encodeURIComponent(
              JSON.stringify({ 'job.id': jobId }),
            )}`,
          );
    // The search may find a trace more than once (one per span with the tag): the largest is the job's.
    const found = traces
      .map((trace) => normaliseJaegerTrace(trace))
      .filter((trace): trace is JobTrace => trace !== null)
      .sort((a, b) => b.spanCount - a.spanCount);
    return found[0] ?? null;
  }

  private async get(url: string): Promise<JaegerTraceJson[]> {
    let response: Response;
    let body: unknown;
    try {
      response = await this.fetchFn(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (response.status === 404) return [];
      if (!response.ok) throw new Error(`Jaeger answered ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw new DependencyUnavailableError('Jaeger', error);
    }
    const data = (body as { data?: unknown } | null)?.data;
    return Array.isArray(data)
      ? data.filter((trace): trace is JaegerTraceJson => typeof trace === 'object' && trace !== null)
      : [];
  }
}
