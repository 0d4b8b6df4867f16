import './telemetry';
import 'reflect-metadata';
import { createLogger, runService, startWorkerApp } from '@app/platform';
import { loadRiskConfig } from './risk.config';
import { RiskModule } from './risk.module';

runService('risk', async () => {
  const config = loadRiskConfig();
  const logger = createLogger('risk', config.logLevel);
  await startWorkerApp(RiskModule.register(config, logger), config.ops, logger);
  logger.info({ threads: config.threads }, 'risk configured');
});
