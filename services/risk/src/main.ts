import './telemetry';
import 'reflect-metadata';
import { createLogger, PlatformMetrics, runService, startWorkerApp } from '@app/platform';
import { loadRiskConfig } from './risk.config';
import { RiskModule } from './risk.module';

runService('risk', async () => {
  const config = loadRiskConfig();
  const logger = createLogger('risk', config.logLevel);
  const metrics = new PlatformMetrics('risk');
  await startWorkerApp(RiskModule.register(config, logger, metrics), config.ops, logger);
  logger.info({ threads: config.threads }, 'risk configured');
});
