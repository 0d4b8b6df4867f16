import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformMetrics } from '../metrics/platform-metrics';
import { METRICS_REFRESH, OpsController, READINESS_PROBES } from './ops.controller';
import type { ReadinessProbe } from './readiness';

/** Adds `/health/live`, `/health/ready` and `/metrics` to a service's HTTP app. */
@Module({})
export class OpsModule {
  static register(options: {
    metrics: PlatformMetrics;
    probes: ReadinessProbe[];
    /** Updates gauges read at scrape time (consumer lag). */
    refresh?: () => Promise<void>;
  }): DynamicModule {
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
}

/**
 * The operations endpoints of a worker service: ready when Kafka (and any extra dependency) answers,
 * consumer lag refreshed at each scrape.
 */
export function workerOpsModule(
  metrics: PlatformMetrics,
  kafka: { ready(timeoutMs: number): Promise<boolean>; refreshLagMetrics(): Promise<void> },
  extraProbes: ReadinessProbe[] = [],
): DynamicModule {
  return OpsModule.register({
    metrics,
    probes: [{ name: 'kafka', check: () => kafka.ready(2000) }, ...extraProbes],
    refresh: () => kafka.refreshLagMetrics(),
  });
}
