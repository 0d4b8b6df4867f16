import { Module, type DynamicModule } from '@nestjs/common';
import { JOB_CATALOG } from '@app/contracts';
import { KafkaRuntime, PlatformMetrics, workerOpsModule, StageHost, type Logger } from '@app/platform';
import { PageScraper } from './extraction/page-scraper';
import { PageFetcher } from './fetching/page-fetcher';
import { ScrapeExecutor } from './scrape-executor';
import type { ScraperConfig } from './scraper.config';

/** Bumped whenever scraping changes its results; recorded on every event the stage emits. */
export const SCRAPER_STAGE_VERSION = 'scraper@1';

@Module({})
export class ScraperModule {
  static register(config: ScraperConfig, logger: Logger): DynamicModule {
    const metrics = new PlatformMetrics('scraper');
    const kafka = new KafkaRuntime(config.kafka, logger, metrics);
    const fetcher = new PageFetcher({
      timeoutMs: config.timeoutMs,
      maxBytes: config.maxBytes,
      maxRedirects: config.maxRedirects,
      allowPrivateNetworks: config.allowPrivateNetworks,
      allowedAddresses: config.allowedAddresses,
      userAgent: config.userAgent,
    });
    return {
      module: ScraperModule,
      imports: [workerOpsModule(metrics, kafka)],
      providers: [
        {
          provide: StageHost,
          useFactory: () =>
            new StageHost(
              {
                stage: JOB_CATALOG.scrape.stage,
                stageVersion: SCRAPER_STAGE_VERSION,
                jobType: 'scrape',
                eventsTopic: JOB_CATALOG.scrape.eventsTopic,
              },
              config.stage,
              config.groupId,
              new ScrapeExecutor(new PageScraper(fetcher)),
              kafka,
              logger,
              () => fetcher.close(),
            ),
        },
      ],
    };
  }
}
