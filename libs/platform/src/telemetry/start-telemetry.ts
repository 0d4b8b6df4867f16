/**
 * Starts the OpenTelemetry Node SDK. Import this (through the service's own `telemetry.ts`) as the
 * very first module of a service's main file: instrumentations patch modules as they are loaded, so
 * anything loaded earlier (express, pg, undici) would not be traced. This file must therefore import
 * nothing but OpenTelemetry packages.
 */
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import type { ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

let sdk: NodeSDK | undefined;

const QUIET_PATHS = /^\/(health|metrics|docs)/;

export function startTelemetry(serviceName: string): void {
  if (sdk || process.env.OTEL_SDK_DISABLED === 'true') return;
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  // Without an endpoint spans are still made (trace ids in logs and on jobs) but not exported.
  const spanProcessors: SpanProcessor[] = endpoint
    ? [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }), {
          scheduledDelayMillis: 500,
        }),
      ]
    : [];
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: '0.1.0' }),
    spanProcessors,
    instrumentations: [
      getNodeAutoInstrumentations({
        // Kafka context is propagated by libs/platform itself (batch consumers, group-commit producer);
        // the stock kafkajs instrumentation would overwrite it with spans of the wrong parent.
        '@opentelemetry/instrumentation-kafkajs': { enabled: false },
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        '@opentelemetry/instrumentation-pino': { enabled: false },
        // A span per Express middleware layer (body parsers, Nest's wrappers) was ~19% of the gateway's
        // CPU per POST; the router and handler spans still name the route (`POST /jobs`).
        '@opentelemetry/instrumentation-express': {
          ignoreLayersType: ['middleware' as ExpressLayerType],
        },
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (request) => QUIET_PATHS.test(request.url ?? ''),
        },
      }),
    ],
  });
  sdk.start();
}

/** Flushes buffered spans; call on shutdown. */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
