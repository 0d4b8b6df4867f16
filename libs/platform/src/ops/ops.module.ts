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
