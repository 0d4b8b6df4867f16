import './telemetry';
import 'reflect-metadata';
import { createLogger, describeBlobStore, PlatformMetrics, runService, startWorkerApp } from '@app/platform';
import { loadDocumentsConfig } from './documents.config';
import { DocumentsModule } from './documents.module';

runService('documents', async () => {
  const config = loadDocumentsConfig();
  const logger = createLogger('documents', config.logLevel);
  const metrics = new PlatformMetrics('documents');
  await startWorkerApp(DocumentsModule.register(config, logger, metrics), config.ops, logger);
  logger.info({ stages: config.stages, blobs: describeBlobStore(config.blobs) }, 'documents configured');
});
