import { Module, type DynamicModule } from '@nestjs/common';
import { JOB_CATALOG } from '@app/contracts';
import {
  KafkaRuntime,
  LOGGER,
  PlatformModule,
  SERVICE_CONFIG,
  StageHost,
  workerOpsModule,
  type Logger,
  type PlatformMetrics,
} from '@app/platform';
import { PageScraper } from './extraction/page-scraper';
import { PageFetcher } from './fetching/page-fetcher';
import { ScrapeExecutor } from './scrape-executor';
import type { ScraperConfig } from './scraper.config';

/** Bumped whenever scraping changes its results; recorded on every event the stage emits. */
export const SCRAPER_STAGE_VERSION = 'scraper@1';

// Wiring follows the one rule written at the top of libs/platform/src/runtime/nest-wiring.ts.
@Module({})
export class ScraperModule {
  static register(config: ScraperConfig, logger: Logger, metrics: PlatformMetrics): DynamicModule {
    return {
      module: ScraperModule,
      imports: [PlatformModule.forRoot({ config, logger, metrics }), workerOpsModule()],
      providers: [
        {
          provide: PageFetcher,
          useFactory: (c: ScraperConfig) =>
            new PageFetcher({
              timeoutMs: c.timeoutMs,
              maxBytes: c.maxBytes,
              maxRedirects: c.maxRedirects,
              allowPrivateNetworks: c.allowPrivateNetworks,
              allowedAddresses: c.allowedAddresses,
              userAgent: c.userAgent,
            }),
          inject: [SERVICE_CONFIG],
        },
        {
          provide: ScrapeExecutor,
          useFactory: (fetcher: PageFetcher) => new ScrapeExecutor(new PageScraper(fetcher)),
          inject: [PageFetcher],
        },
        {
          provide: StageHost,
          useFactory: (
            c: ScraperConfig,
            executor: ScrapeExecutor,
            fetcher: PageFetcher,
            kafka: KafkaRuntime,
            log: Logger,
          ) =>
            new StageHost(
              {
                stage: JOB_CATALOG.scrape.stage,
                stageVersion: SCRAPER_STAGE_VERSION,
                jobType: 'scrape',
                eventsTopic: JOB_CATALOG.scrape.eventsTopic,
              },
              c.stage,
              c.groupId,
              executor,
              kafka,
              log,
              () => fetcher.close(),
            ),
          inject: [SERVICE_CONFIG, ScrapeExecutor, PageFetcher, KafkaRuntime, LOGGER],
        },
      ],
    };
  }
}
