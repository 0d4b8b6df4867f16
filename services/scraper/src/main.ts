import './telemetry';
import 'reflect-metadata';
import { createLogger, runService, startWorkerApp } from '@app/platform';
import { loadScraperConfig } from './scraper.config';
import { ScraperModule } from './scraper.module';

runService('scraper', async () => {
  const config = loadScraperConfig();
  const logger = createLogger('scraper', config.logLevel);
  await startWorkerApp(ScraperModule.register(config, logger), config.ops, logger);
  logger.info(
    { allowPrivateNetworks: config.allowPrivateNetworks, allowedAddresses: config.allowedAddresses },
    'scraper configured',
  );
});
