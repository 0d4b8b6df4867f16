import * as path from 'node:path';
import { defaultDataDir, LocalStack, ProcessSupervisor, stackEnvironment, stopOnSignals } from '@app/stack';
import { prepareKafka } from './topics';
import {
  ALL_SERVICES,
  migrateDatabase,
  startService,
  waitForGatewayReady,
  type ServiceName,
} from './services';

/**
 * `npm start`: runs Kafka and PostgreSQL from the project's own data folder (.data by default, kept
 * between runs), applies migrations, starts every service, and stops all of it on Ctrl-C / SIGTERM.
 * A service that dies is restarted after a short pause.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const log = (line: string): void => console.log(`[start] ${line}`);
  const stack = new LocalStack();
  const supervisor = new ProcessSupervisor();
  let stopping = false;
  stopOnSignals(async () => {
    stopping = true;
    await supervisor.stopAll(15_000);
    await stack.stop();
  }, log);

  const dataDir = defaultDataDir();
  log(`data folder ${dataDir}`);
  // Jaeger is built from source once (minutes, cached); EVENT_JOBS_JAEGER=false skips it.
  const jaeger = process.env.EVENT_JOBS_JAEGER !== 'false';
  const endpoints = await stack.start({ dataDir, log, jaeger });
  const gatewayPort = process.env.GATEWAY_PORT ?? '3000';
  const env: NodeJS.ProcessEnv = {
    BLOB_DIR: path.join(dataDir, 'blobs'),
    ...process.env,
    ...stackEnvironment(endpoints),
    GATEWAY_PORT: gatewayPort,
  };
  const [topics] = await Promise.all([prepareKafka(env), migrateDatabase(env)]);
  log(`${topics.length} topics ready; migrations applied`);

  for (const service of ALL_SERVICES) startService(supervisor, service, env);
  supervisor.onUnexpectedExit(({ name, code, signal }) => {
    if (stopping) return;
    log(`${name} exited (code ${code}, signal ${signal}); restarting in 2 s`);
    setTimeout(() => {
      if (!stopping) startService(supervisor, name as ServiceName, env);
    }, 2000);
  });

  const url = `http://127.0.0.1:${gatewayPort}`;
  await waitForGatewayReady(url, 60_000);
  log(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  log(`gateway: ${url}  (API docs: ${url}/docs)`);
  if (endpoints.jaegerQueryUrl) {
    log(`jaeger: ${endpoints.jaegerQueryUrl}  (a job's trace: GET /api/traces/<traceId of GET /jobs/{id}>)`);
  }
  log('press Ctrl-C to stop everything');
}

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.kill(process.pid, 'SIGTERM');
});
