import 'reflect-metadata';
import { createLogger, runService } from '@app/platform';
import { createDataSource, ProjectionRebuilder } from '@app/read-models';
import { loadProjectorConfig } from './projector.config';

/**
 * `npm run projections:rebuild` (node dist/services/projector/src/rebuild.js): rebuilds every read
 * model from offset 0 of the event topics into a shadow schema and swaps it in, while the system keeps
 * running; prints the rate. Exits 1 when the rebuild failed (the current read models stay) and 2 when
 * another rebuild is running.
 */
runService('projections:rebuild', async () => {
  const config = loadProjectorConfig();
  const logger = createLogger('projections-rebuild', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const dataSource = await createDataSource(config.database, 'projections-rebuild').initialize();
  const rebuilder = new ProjectionRebuilder({
    dataSource,
    kafka: { ...config.kafka, clientId: 'projections-rebuild' },
    logger,
    projectorGroupId: config.groupId,
    batchSize: config.rebuild.batchSize,
    keepRetired: config.rebuild.keepRetired,
  });
  const interrupt = (): void => void rebuilder.close();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    process.stdout.write('rebuilding projections from offset 0...\n');
    const result = await rebuilder.rebuild();
    const seconds = result.finishedAt ? (result.finishedAt.getTime() - result.startedAt.getTime()) / 1000 : 0;
    const rate = Math.round(result.eventsPerSecond ?? 0);
    if (result.state === 'succeeded') {
      process.stdout.write(
        `rebuilt ${result.eventsApplied} events (${result.eventsRead} read) in ${seconds.toFixed(2)} s: ${rate} events/s\n`,
      );
    } else {
      process.stderr.write(
        `rebuild failed after ${seconds.toFixed(2)} s: ${result.error ?? 'unknown error'}\n`,
      );
      process.exitCode = 1;
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  } finally {
    await rebuilder.close();
    await dataSource.destroy();
  }
});
