import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type BeforeApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOGGER, PlatformMetrics, SERVICE_CONFIG, type Logger } from '@app/platform';
import { JobStreamQueries, ProjectionNotifications } from '@app/read-models';
import type { GatewayConfig } from '../gateway.config';
import { StreamHub } from './stream-hub';

/**
 * Starts the LISTEN connection and the heartbeats at start-up; at shutdown ends every stream first
 * (before the HTTP server waits for its connections), then closes the LISTEN connection.
 */
@Injectable()
export class LiveStreams implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(StreamHub) private readonly hub: StreamHub,
    @Inject(ProjectionNotifications) private readonly notifications: ProjectionNotifications,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.hub.start();
    await this.notifications.start(this.hub);
  }

  beforeApplicationShutdown(): void {
    this.hub.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.notifications.close();
  }
}

export const streamsProviders: Provider[] = [
  {
    provide: ProjectionNotifications,
    useFactory: (config: GatewayConfig, logger: Logger) =>
      new ProjectionNotifications(config.database.url, logger),
    inject: [SERVICE_CONFIG, LOGGER],
  },
  {
    provide: JobStreamQueries,
    useFactory: (dataSource: DataSource) => new JobStreamQueries(dataSource),
    inject: [DataSource],
  },
  {
    provide: StreamHub,
    useFactory: (
      queries: JobStreamQueries,
      config: GatewayConfig,
      logger: Logger,
      metrics: PlatformMetrics,
    ) =>
      new StreamHub(
        queries,
        {
          heartbeatMs: config.streams.heartbeatMs,
          maxStreams: config.streams.maxPerGateway,
          observeDelivery: (kind, seconds) => metrics.streamDelivery.observe({ kind }, seconds),
        },
        logger,
      ),
    inject: [JobStreamQueries, SERVICE_CONFIG, LOGGER, PlatformMetrics],
  },
  LiveStreams,
];
