import './telemetry';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, NestPinoLogger, runService } from '@app/platform';
import { loadProjectorConfig } from './projector.config';
import { ProjectorModule } from './projector.module';

runService('projector', async () => {
  const config = loadProjectorConfig();
  const logger = createLogger('projector', config.logLevel);
  const app = await NestFactory.createApplicationContext(ProjectorModule.register(config, logger), {
    logger: new NestPinoLogger(logger),
  });
  app.enableShutdownHooks();
  logger.info({ group: config.groupId }, 'projector running');
});
