import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KafkaRuntime, LOGGER, PlatformMetrics, SERVICE_CONFIG, type Logger } from '@app/platform';
import { TenantBacklogQueries } from '@app/read-models';
import type { GatewayConfig } from '../gateway.config';
import { AdmissionControl } from './admission-control';
import { BacklogMonitor } from './backlog-monitor';
import { backlogSources } from './backlog-sources';
import { TenantBacklogShare } from './tenant-backlog-share';

/** The backlog sampler and the admission decision over it (both take plain settings: factories). */
export const admissionProviders: Provider[] = [
  {
    provide: BacklogMonitor,
    useFactory: (kafka: KafkaRuntime, config: GatewayConfig, metrics: PlatformMetrics, logger: Logger) =>
      new BacklogMonitor(
        kafka.consumerGroups,
        backlogSources(config.admission.groupIds),
        config.admission.pollMs,
        metrics,
        logger.child({ component: 'admission' }),
        Date.now,
        config.admission.idlePollMs,
      ),
    inject: [KafkaRuntime, SERVICE_CONFIG, PlatformMetrics, LOGGER],
  },
  {
    provide: AdmissionControl,
    useFactory: (backlog: BacklogMonitor, config: GatewayConfig, metrics: PlatformMetrics) =>
      new AdmissionControl(
        backlog,
        {
          maxLag: config.admission.maxLag,
          staleAfterMs: config.admission.staleAfterMs,
          fallbackRetryAfterSeconds: config.retryAfterSeconds,
        },
        metrics,
      ),
    inject: [BacklogMonitor, SERVICE_CONFIG, PlatformMetrics],
  },
  {
    provide: TenantBacklogShare,
    useFactory: (
      backlog: BacklogMonitor,
      ds: DataSource,
      config: GatewayConfig,
      metrics: PlatformMetrics,
      logger: Logger,
    ) =>
      new TenantBacklogShare(
        backlog,
        new TenantBacklogQueries(ds),
        {
          maxLag: config.admission.maxLag,
          share: config.admission.tenantShare,
          refreshMs: config.admission.pollMs,
          staleAfterMs: config.admission.staleAfterMs,
          fallbackRetryAfterSeconds: config.retryAfterSeconds,
        },
        metrics,
        logger.child({ component: 'admission' }),
      ),
    inject: [BacklogMonitor, DataSource, SERVICE_CONFIG, PlatformMetrics, LOGGER],
  },
];
