import './telemetry';
import 'reflect-metadata';
import { createLogger, runService, startWorkerApp } from '@app/platform';
import { loadProjectorConfig } from './projector.config';
import { ProjectorModule } from './projector.module';

runService('projector', async () => {
  const config = loadProjectorConfig();
  const logger = createLogger('projector', config.logLevel);
  await startWorkerApp(ProjectorModule.register(config, logger), config.ops, logger);
});
