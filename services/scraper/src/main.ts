import './telemetry';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, NestPinoLogger, runService } from '@app/platform';
import { loadScraperConfig } from './scraper.config';
import { ScraperModule } from './scraper.module';

runService('scraper', async () => {
  const config = loadScraperConfig();
  const logger = createLogger('scraper', config.logLevel);
  const app = await NestFactory.createApplicationContext(ScraperModule.register(config, logger), {
    logger: new NestPinoLogger(logger),
  });
  app.enableShutdownHooks();
  logger.info({ allowPrivateNetworks: config.allowPrivateNetworks }, 'scraper running');
});
