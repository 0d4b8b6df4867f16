import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { EventEnvelope } from '@app/contracts';

export type { Context } from '@opentelemetry/api';

export const tracer = trace.getTracer('event-jobs');

/** Span attributes every span about a job carries. */
export function jobAttributes(event: EventEnvelope): Attributes {
  return {
    'job.id': event.jobId,
    'correlation.id': event.correlationId,
    'event.type': event.type,
    'event.id': event.id,
  };
}

/** The trace context carried by a message's headers (W3C traceparent / tracestate). */
export function extractContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Writes the given context into message headers. */
export function injectContext(ctx: Context, headers: Record<string, string>): void {
  propagation.inject(ctx, headers);
}

/** Runs `work` in a new span, child of `parent` (default: the active context); records failures. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : new Error(String(error)));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Trace and span id of the active span, for log lines and read models. */
export function activeTraceIds(): { traceId: string; spanId: string } | Record<string, never> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags === undefined || traceId === '00000000000000000000000000000000'
    ? {}
    : { traceId, spanId };
}

/** The trace id a message's traceparent header names, or null. */
export function traceIdOf(headers: Record<string, string>): string | null {
  const match = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(headers.traceparent ?? '');
  return match ? match[1] : null;
}

export { SpanKind };

/** Starts (without activating) a span per item, children of their own contexts; end them with `endSpans`. */
export function startSpans(
  name: string,
  items: { parent?: Context; attributes: Attributes }[],
  kind = SpanKind.INTERNAL,
): Span[] {
  return items.map((item) =>
    tracer.startSpan(name, { kind, attributes: item.attributes }, item.parent ?? context.active()),
  );
}

export function endSpans(spans: Span[], error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) {
      span.recordException(error instanceof Error ? error : new Error('failed', { cause: error }));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }
}
