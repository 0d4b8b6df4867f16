import 'reflect-metadata';
import { createLogger, EnvReader, readDatabaseConfig, runService } from '@app/platform';
import { createDataSource, runMigrations } from '@app/read-models';

/** `node dist/services/projector/src/migrate.js`: applies pending read-model migrations, then exits. */
runService('migrate', async () => {
  const env = new EnvReader();
  const database = readDatabaseConfig(env);
  env.done();
  const logger = createLogger('migrate');
  const dataSource = await createDataSource(database, 'migrate').initialize();
  try {
    const applied = await runMigrations(dataSource);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
  } finally {
    await dataSource.destroy();
  }
});
