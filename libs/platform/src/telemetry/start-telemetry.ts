/**
 * Starts the OpenTelemetry Node SDK. Import this (through the service's own `telemetry.ts`) as the
 * very first module of a service's main file: instrumentations patch modules as they are loaded, so
 * anything loaded earlier (express, pg, undici) would not be traced. This file must therefore import
 * nothing but OpenTelemetry packages (and the sampler next to it, which does the same).
 */
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation, type HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { readSampleRatio, ReadsSampler } from './reads-sampler';

let provider: NodeTracerProvider | undefined;

const QUIET_PATHS = /^\/(health|metrics|docs)/;

/**
 * Only the instrumentations whose spans belong in a job's trace or an API request's: HTTP in and out,
 * PostgreSQL, undici (the scraper's fetches). The full
 * auto-instrumentation set patched some forty modules and added a span per Nest handler and per
 * Express middleware; Kafka context is propagated by libs/platform itself (batch consumers,
 * group-commit producer), so the stock kafkajs instrumentation would only add spans of the wrong parent.
 */
function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => QUIET_PATHS.test(request.url ?? ''),
      applyCustomAttributesOnSpan: nameByRoute,
      // An outgoing request outside any span (an S3 call from a batch, the OTLP export itself) is noise.
      requireParentforOutgoingSpans: true,
    }),
    // Statements outside a span (group commits, the projector's batch transactions) would each start a
    // trace of their own; the batch's own spans already cover them.
    new PgInstrumentation({ requireParentSpan: true }),
    new UndiciInstrumentation({ requireParentforSpans: true }),
  ];
}

/**
 * Names a server span after the route Express matched (`POST /jobs/:id/cancel`), as the Express
 * instrumentation did; that instrumentation wrapped every router layer of every request (~12% of the
 * gateway's CPU per POST with tracing on) to learn what the router leaves on the request anyway.
 */
const nameByRoute: NonNullable<HttpInstrumentationConfig['applyCustomAttributesOnSpan']> = (
  span,
  request,
) => {
  const route = (request as { route?: { path?: unknown } }).route?.path;
  if (typeof route !== 'string') return;
  span.setAttribute('http.route', route);
  span.updateName(`${request.method ?? 'HTTP'} ${route}`);
};

/**
 * Traces only, with the trace SDK itself rather than `@opentelemetry/sdk-node`: that one loads every
 * exporter it might be configured for (OTLP metrics and logs over HTTP, protobuf and gRPC, Prometheus,
 * Zipkin; ~2,000 modules) whatever is configured, about 32 MB of resident memory per service for code
 * we never run. What it did that we need is done here: the resource (service name and version, plus
 * what `OTEL_RESOURCE_ATTRIBUTES`, the process and the host tell), W3C trace context and baggage
 * propagation, the AsyncLocalStorage context manager (`register()`), and the instrumentations.
 */
export function startTelemetry(serviceName: string): void {
  if (provider || process.env.OTEL_SDK_DISABLED === 'true') return;
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  // Without an endpoint spans are still made (trace ids in logs and on jobs) but not exported.
  const spanProcessors: SpanProcessor[] = endpoint
    ? [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }), {
          // Fewer, larger exports: at 1,000 jobs/s a service makes several thousand spans a second.
          scheduledDelayMillis: 1000,
          maxExportBatchSize: 2048,
          maxQueueSize: 16_384,
        }),
      ]
    : [];
  const resource = detectResources({ detectors: [envDetector, processDetector, hostDetector] }).merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: '0.1.0' }),
  );
  provider = new NodeTracerProvider({
    resource,
    sampler: new ReadsSampler(readSampleRatio(process.env.OTEL_TRACES_READ_SAMPLE_RATIO)),
    spanProcessors,
  });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: instrumentations() });
}

/** Flushes buffered spans; call on shutdown. */
export async function stopTelemetry(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
  provider = undefined;
}
