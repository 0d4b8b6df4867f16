import { SpanKind, type Attributes, type Context } from '@opentelemetry/api';
import {
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

/** Default share of read requests (GET/HEAD without a caller's trace) that are traced. */
export const DEFAULT_READ_SAMPLE_RATIO = 0.01;

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Every job's trace is kept whole, but reads are sampled: a client polling `GET /jobs/{id}` makes
 * many more requests than jobs, and tracing each one (server span, route span, query span, exported
 * and stored by Jaeger) cost more CPU than the job it polled. So a root span of an incoming GET or
 * HEAD is kept with probability `readRatio` (by trace id, so a trace is kept or dropped whole);
 * every other root (a `POST /jobs`, a stage's work) is kept, and a span with a parent follows its
 * parent's decision (a caller that sends a sampled `traceparent` gets its read traced).
 */
export class ReadsSampler implements Sampler {
  private readonly reads: Sampler;
  private readonly delegate: Sampler;

  constructor(readonly readRatio: number) {
    this.reads = new TraceIdRatioBasedSampler(readRatio);
    this.delegate = new ParentBasedSampler({
      root: {
        shouldSample: (context, traceId, spanName, spanKind, attributes, links): SamplingResult =>
          spanKind === SpanKind.SERVER && isRead(attributes)
            ? this.reads.shouldSample(context, traceId, spanName, spanKind, attributes, links)
            : { decision: SamplingDecision.RECORD_AND_SAMPLED },
        toString: () => 'AlwaysOnExceptReads',
      },
    });
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Parameters<Sampler['shouldSample']>[5],
  ): SamplingResult {
    return this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `ReadsSampler{readRatio=${this.readRatio}}`;
  }
}

function isRead(attributes: Attributes): boolean {
  const method = attributes['http.request.method'] ?? attributes['http.method'];
  return typeof method === 'string' && READ_METHODS.has(method);
}

/** OTEL_TRACES_READ_SAMPLE_RATIO: a number from 0 to 1; a bad value stops the service, naming it. */
export function readSampleRatio(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_READ_SAMPLE_RATIO;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(
      `OTEL_TRACES_READ_SAMPLE_RATIO must be a number from 0 to 1 (got ${JSON.stringify(raw)})`,
    );
  }
  return value;
}
