import './telemetry';
import 'reflect-metadata';
import { createLogger, PlatformMetrics, runService, startWorkerApp } from '@app/platform';
import { loadProjectorConfig } from './projector.config';
import { ProjectorModule } from './projector.module';

runService('projector', async () => {
  const config = loadProjectorConfig();
  const logger = createLogger('projector', config.logLevel);
  const metrics = new PlatformMetrics('projector');
  await startWorkerApp(ProjectorModule.register(config, logger, metrics), config.ops, logger);
});
