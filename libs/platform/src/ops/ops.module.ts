import { Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { KafkaRuntime } from '../kafka/kafka-runtime';
import { PlatformMetrics } from '../metrics/platform-metrics';
import { METRICS_REFRESH, OpsController, READINESS_PROBES } from './ops.controller';
import type { ReadinessProbe } from './readiness';

interface OpsOptions {
  probes: ReadinessProbe[];
  /** Updates gauges read at scrape time (consumer lag). */
  refresh?: () => Promise<void>;
}

const OPS_OPTIONS = Symbol('OPS_OPTIONS');

/** Adds `/health/live`, `/health/ready` and `/metrics` to a service's HTTP app. */
@Module({})
export class OpsModule {
  static register(options: OpsOptions & { metrics: PlatformMetrics }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [OpsController],
      providers: [
        { provide: PlatformMetrics, useValue: options.metrics },
        { provide: READINESS_PROBES, useValue: options.probes },
        { provide: METRICS_REFRESH, useValue: options.refresh ?? (() => Promise.resolve()) },
      ],
      exports: [PlatformMetrics],
    };
  }

  /**
   * The same, its probes made from providers of the app (`inject`); PlatformMetrics comes from
   * PlatformModule.
   */
  static forProbes<Deps extends unknown[]>(options: {
    inject: InjectionToken[];
    useFactory: (...deps: Deps) => OpsOptions;
  }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [OpsController],
      providers: [
        { provide: OPS_OPTIONS, useFactory: options.useFactory, inject: options.inject },
        { provide: READINESS_PROBES, useFactory: (o: OpsOptions) => o.probes, inject: [OPS_OPTIONS] },
        {
          provide: METRICS_REFRESH,
          useFactory: (o: OpsOptions) => o.refresh ?? (() => Promise.resolve()),
          inject: [OPS_OPTIONS],
        },
      ],
    };
  }
}

/**
 * The operations endpoints of a worker service: ready when Kafka (and any extra dependency, made from
 * the injected providers) answers, consumer lag refreshed at each scrape.
 */
export function workerOpsModule<Deps extends unknown[] = []>(
  extra: { inject: InjectionToken[]; probes: (...deps: Deps) => ReadinessProbe[] } = {
    inject: [],
    probes: () => [],
  },
): DynamicModule {
  return OpsModule.forProbes({
    inject: [KafkaRuntime, ...extra.inject],
    useFactory: (kafka: KafkaRuntime, ...deps: unknown[]) => ({
      probes: [{ name: 'kafka', check: () => kafka.ready(2000) }, ...extra.probes(...(deps as Deps))],
      refresh: () => kafka.refreshLagMetrics(),
    }),
  });
}
