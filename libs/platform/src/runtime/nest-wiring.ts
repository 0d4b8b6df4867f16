import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { createBlobStore } from '../blob/create-blob-store';
import type { BlobStoreConfig, KafkaConfig } from '../config/common-config';
import { EventPublisher } from '../kafka/event-publisher';
import { KafkaRuntime } from '../kafka/kafka-runtime';
import type { Logger } from '../logging/logger';
import { PlatformMetrics } from '../metrics/platform-metrics';

/*
 * How every service wires its Nest app (one rule, the same in each):
 *
 * 1. main.ts makes the process-level objects (typed config, logger, metrics) and hands them to
 *    `PlatformModule.forRoot`, which provides them once as values (SERVICE_CONFIG, LOGGER,
 *    PlatformMetrics) to every module of the app. Besides those, main.ts makes only the HTTP
 *    adapter's set-up (middleware, the global exception filter).
 * 2. The classes of a service's HTTP and application layer (controllers, guards, use cases,
 *    repositories, the provider that owns the connections) are `@Injectable()`, each constructor
 *    parameter with `@Inject(token)`, and take only providers.
 * 3. Everything else is a factory provider with `inject`: classes of the framework-free libraries
 *    (contracts, platform, read-models), a service's framework-free core (executors, worker pools,
 *    fetchers, anything under core/, compute/, fetching/), objects a function makes, and classes that
 *    also take plain settings. `register()` itself never calls `new`.
 * 4. What needs a resource that starts asynchronously (the DataSource) injects it: its async provider
 *    resolves first, so nothing holds it before it is ready.
 * 5. Connections open in `onApplicationBootstrap` and close in `onApplicationShutdown` of the one
 *    provider that owns their order (the gateway's connections, a StageHost, the ProjectionRunner).
 */

/** The service's logger (pino). */
export const LOGGER = 'Logger';
/** The service's typed config; each service injects it as its own config type. */
export const SERVICE_CONFIG = 'ServiceConfig';
/** The service's BlobStore (filesystem or S3, as its config says). */
export const BLOB_STORE = 'BlobStore';

export interface ProcessObjects {
  config: { kafka: KafkaConfig };
  logger: Logger;
  metrics: PlatformMetrics;
}

/** A BlobStore made from the service's `config.blobs`. */
export const blobStoreProvider: Provider = {
  provide: BLOB_STORE,
  useFactory: (config: { blobs: BlobStoreConfig }) => createBlobStore(config.blobs),
  inject: [SERVICE_CONFIG],
};

/**
 * The process-level values, the service's KafkaRuntime and its publisher, plus the service's other
 * shared resources (`providers`), for every module of the app.
 */
@Module({})
export class PlatformModule {
  static forRoot(process: ProcessObjects, providers: Provider[] = []): DynamicModule {
    const all: Provider[] = [
      { provide: SERVICE_CONFIG, useValue: process.config },
      { provide: LOGGER, useValue: process.logger },
      { provide: PlatformMetrics, useValue: process.metrics },
      {
        provide: KafkaRuntime,
        useFactory: (config: { kafka: KafkaConfig }, logger: Logger, metrics: PlatformMetrics) =>
          new KafkaRuntime(config.kafka, logger, metrics),
        inject: [SERVICE_CONFIG, LOGGER, PlatformMetrics],
      },
      {
        provide: EventPublisher,
        useFactory: (kafka: KafkaRuntime) => kafka.publisher,
        inject: [KafkaRuntime],
      },
      ...providers,
    ];
    return {
      global: true,
      module: PlatformModule,
      providers: all,
      exports: all.map((provider) => ('provide' in provider ? provider.provide : provider)),
    };
  }
}
