/*
 * A job's trace as `GET /jobs/{id}/trace` answers it: a small shape of our own, read off Jaeger's query
 * API (never its raw payload), enough to draw a waterfall.
 */

/** Spans kept in one answer (a long document job's trace may hold thousands). */
export const MAX_TRACE_SPANS = 2000;

export interface JobTraceSpan {
  spanId: string;
  /** The CHILD_OF parent's span id; null for a root (a parent outside the trace keeps its id). */
  parentSpanId: string | null;
  service: string;
  operation: string;
  /** Microseconds from the trace's first span start. */
  startOffsetUs: number;
  durationUs: number;
  /** The span ended in error (`error=true` or OpenTelemetry status ERROR). */
  error: boolean;
}

export interface JobTrace {
  traceId: string;
  /** When the trace's first span started (ISO 8601). */
  startedAt: string;
  /** From the first span's start to the last span's end, µs. */
  durationUs: number;
  /** Spans in the trace; `spans` holds at most MAX_TRACE_SPANS of them. */
  spanCount: number;
  /** Ordered by start offset, then by span id. */
  spans: JobTraceSpan[];
}

/** The part of Jaeger's `/api/traces` JSON (its "UI model") this reads; anything else is ignored. */
export interface JaegerTraceJson {
  traceID?: unknown;
  spans?: unknown;
  processes?: unknown;
}

interface JaegerSpanJson {
  spanID?: unknown;
  operationName?: unknown;
  references?: unknown;
  startTime?: unknown;
  duration?: unknown;
  tags?: unknown;
  processID?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const finiteOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/**
 * Jaeger's trace JSON into a JobTrace. Tolerant: a span without an id is dropped, a missing service is
 * `unknown`, times that are not numbers count as 0. Null when no span is left.
 */
export function normaliseJaegerTrace(raw: JaegerTraceJson): JobTrace | null {
  const processes = isObject(raw.processes) ? raw.processes : {};
  const serviceOf = (processId: unknown): string => {
    const process = typeof processId === 'string' ? processes[processId] : undefined;
    return isObject(process) && typeof process.serviceName === 'string' ? process.serviceName : 'unknown';
  };
  const spans = asArray(raw.spans).filter(
    (span): span is JaegerSpanJson => isObject(span) && typeof span.spanID === 'string',
  );
  if (spans.length === 0) return null;
  const starts = spans.map((span) => finiteOr(span.startTime, 0));
  // Loops, not Math.min(...starts): a spread of a huge trace's spans would overflow the call stack.
  let start = Infinity;
  let end = -Infinity;
  spans.forEach((span, i) => {
    start = Math.min(start, starts[i]);
    end = Math.max(end, starts[i] + Math.max(0, finiteOr(span.duration, 0)));
  });
  const normalised = spans.map((span, i): JobTraceSpan => ({
    spanId: span.spanID as string,
    parentSpanId: parentOf(span),
    service: serviceOf(span.processID),
    operation: typeof span.operationName === 'string' ? span.operationName : '',
    startOffsetUs: starts[i] - start,
    durationUs: Math.max(0, finiteOr(span.duration, 0)),
    error: hasError(span),
  }));
  normalised.sort(
    (a, b) => a.startOffsetUs - b.startOffsetUs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0),
  );
  return {
    traceId: typeof raw.traceID === 'string' ? raw.traceID : '',
    startedAt: new Date(start / 1000).toISOString(),
    durationUs: end - start,
    spanCount: normalised.length,
    spans: normalised.slice(0, MAX_TRACE_SPANS),
  };
}

function parentOf(span: JaegerSpanJson): string | null {
  for (const reference of asArray(span.references)) {
    if (isObject(reference) && reference.refType === 'CHILD_OF' && typeof reference.spanID === 'string') {
      return reference.spanID;
    }
  }
  return null;
}

function hasError(span: JaegerSpanJson): boolean {
  return asArray(span.tags).some(
    (tag) =>
      isObject(tag) &&
      ((tag.key === 'error' && (tag.value === true || tag.value === 'true')) ||
        (tag.key === 'otel.status_code' && tag.value === 'ERROR')),
  );
}
