import './telemetry';
import 'reflect-metadata';
import { createLogger, PlatformMetrics, runService, startWorkerApp } from '@app/platform';
import { loadScraperConfig } from './scraper.config';
import { ScraperModule } from './scraper.module';

runService('scraper', async () => {
  const config = loadScraperConfig();
  const logger = createLogger('scraper', config.logLevel);
  const metrics = new PlatformMetrics('scraper');
  await startWorkerApp(ScraperModule.register(config, logger, metrics), config.ops, logger);
  logger.info(
    { allowPrivateNetworks: config.allowPrivateNetworks, allowedAddresses: config.allowedAddresses },
    'scraper configured',
  );
});
