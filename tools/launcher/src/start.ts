import * as path from 'node:path';
import {
  DATA_DIR_ENV,
  defaultDataDir,
  findFreePorts,
  isJaegerBinaryBuilt,
  kafkaTopicDefaults,
  LocalStack,
  ProcessSupervisor,
  stackEnvironment,
  stopLeftoverProcesses,
  stopOnSignals,
} from '@app/stack';
import { DataFolderInUseError, lockDataFolder } from './data-folder-lock';
import { announceJaeger, jaegerPendingLines, type JaegerAttachment } from './jaeger-attachment';
import { prepareKafka } from './topics';
import * as fs from 'node:fs';
import {
  ADMIN_KEY_FILE,
  createFirstAdminKey,
  migrateDatabase,
  startPlannedProcess,
  waitForGatewayReady,
} from './services';
import { LauncherArgumentError, parseLauncherArgs, takeBrokersOption } from './scale-option';
import { planProcesses, type PlannedProcess } from './process-plan';

/**
 * `npm start [-- --brokers 3 --scale scraper=3,ocr=2]`: runs Kafka (one broker, or a local KRaft
 * cluster whose topics are replicated to three nodes) and PostgreSQL from the project's own data
 * folder (.data by default, kept between runs), applies migrations, starts every service (scaled
 * ones several times, in one consumer group), and stops all of it on Ctrl-C / SIGTERM. A process
 * that dies is restarted after a short pause. One launcher per data folder (launcher.pid); what an
 * earlier, killed launcher left running there is stopped first, and the start begins afresh. Jaeger
 * comes up beside the rest and attaches when ready.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const log = (line: string): void => console.log(`[start] ${line}`);
  // Checked before anything starts: a typo must not cost a Kafka start-up.
  const partitions = Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 12);
  const { brokers, rest } = takeBrokersOption(process.argv.slice(2));
  const plan = planProcesses(parseLauncherArgs(rest, partitions > 0 ? partitions : 12));
  const dataDir = defaultDataDir();
  log(`data folder ${dataDir}`);
  lockDataFolder(dataDir);

  const stack = new LocalStack();
  const supervisor = new ProcessSupervisor();
  let stopping = false;
  stopOnSignals(async () => {
    stopping = true;
    await supervisor.stopAll(15_000);
    await stack.stop();
  }, log);

  await stopLeftoverProcesses(dataDir, log);
  // Jaeger is built from source once (minutes, cached) beside the rest; EVENT_JOBS_JAEGER=false skips it.
  const jaeger = process.env.EVENT_JOBS_JAEGER !== 'false';
  const buildingJaeger = jaeger && !isJaegerBinaryBuilt();
  const endpoints = await stack.start({
    dataDir,
    log,
    jaeger,
    jaegerInBackground: true,
    kafkaBrokers: brokers,
  });
  if (brokers > 1) log(`Kafka cluster of ${brokers} nodes: ${endpoints.kafkaBrokers}`);
  const timeline: { servicesStartedAt?: number } = {};
  const jaegerAttachment = jaegerAttachmentOf(stack, {
    startedAt,
    servicesStartedAt: () => timeline.servicesStartedAt,
    stopping: () => stopping,
    log,
  });
  let jaegerSettled = false;
  if (jaegerAttachment) {
    void jaegerAttachment.startup.then(() => (jaegerSettled = true));
    announceJaeger(jaegerAttachment);
  }
  const gatewayPort = process.env.GATEWAY_PORT ?? '3000';
  const env: NodeJS.ProcessEnv = {
    BLOB_DIR: path.join(dataDir, 'blobs'),
    // The cluster's replication unless the environment sets its own (validated by every service).
    ...kafkaTopicDefaults(brokers),
    ...process.env,
    ...stackEnvironment(endpoints),
    GATEWAY_PORT: gatewayPort,
    // Lets a later start recognise (and stop) these processes should this launcher be killed.
    [DATA_DIR_ENV]: dataDir,
  };
  const [topics] = await Promise.all([prepareKafka(env), migrateDatabase(env)]);
  log(`${topics.length} topics ready; migrations applied`);
  const adminKeyFile = process.env.EVENT_JOBS_ADMIN_KEY ? null : await createFirstAdminKey(env, dataDir);

  await assignOpsPorts(plan);
  timeline.servicesStartedAt = Date.now();
  for (const planned of plan) startPlannedProcess(supervisor, planned, env);
  logReplicas(plan, log);
  supervisor.onUnexpectedExit(({ name, code, signal }) => {
    if (stopping) return;
    log(`${name} exited (code ${code}, signal ${signal}); restarting in 2 s`);
    setTimeout(() => {
      if (!stopping) void supervisor.restart(name).catch(() => undefined);
    }, 2000);
  });

  const url = `http://127.0.0.1:${gatewayPort}`;
  await waitForGatewayReady(url, 60_000);
  log(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  log(`gateway: ${url}  (API docs: ${url}/docs)`);
  if (jaegerAttachment && !jaegerSettled) {
    for (const line of jaegerPendingLines(jaegerAttachment, buildingJaeger)) log(line);
  }
  if (adminKeyFile !== null) announceAdminKey(adminKeyFile, log);
  else if (process.env.EVENT_JOBS_ADMIN_KEY) log('admin key: the one in EVENT_JOBS_ADMIN_KEY');
  else log(`admin key: in ${path.join(dataDir, ADMIN_KEY_FILE)} (created on this data folder's first start)`);
  log('press Ctrl-C to stop everything');
}

/** Shows the new admin key once: every route but health, metrics and docs needs a key. */
function announceAdminKey(file: string, log: (line: string) => void): void {
  const key = fs.readFileSync(file, 'utf8').trim();
  log('a new admin key was created for this data folder (shown this once; also in the file below):');
  log(`    ${key}`);
  log(`    file: ${file} (readable by you only)`);
  log(
    '    use it as: curl -H "Authorization: Bearer $(cat ' +
      file +
      ')" ...; more keys: npm run keys -- --help',
  );
}

function jaegerAttachmentOf(
  stack: LocalStack,
  launcher: Pick<JaegerAttachment, 'startedAt' | 'servicesStartedAt' | 'stopping' | 'log'>,
): JaegerAttachment | undefined {
  const startup = stack.jaegerStartup;
  const { jaegerQueryUrl, otlpEndpoint } = stack.endpoints();
  if (!startup || !jaegerQueryUrl || !otlpEndpoint) return undefined;
  return { startup, queryUrl: jaegerQueryUrl, otlpEndpoint, ...launcher };
}

/** Every process after a service's first gets a free ops port of its own (the first keeps the default). */
async function assignOpsPorts(plan: PlannedProcess[]): Promise<void> {
  const extra = plan.filter((planned) => planned.needsOwnOpsPort);
  const ports = await findFreePorts(extra.length);
  extra.forEach((planned, index) => (planned.env = { ...planned.env, OPS_PORT: String(ports[index]) }));
}

function logReplicas(plan: PlannedProcess[], log: (line: string) => void): void {
  const scaled = plan.filter((planned) => planned.name.includes('#') || planned.env.DOCUMENTS_STAGES);
  for (const planned of scaled) {
    const stages = planned.env.DOCUMENTS_STAGES ? ` stages ${planned.env.DOCUMENTS_STAGES}` : '';
    const ops = planned.env.OPS_PORT
      ? `ops/metrics http://127.0.0.1:${planned.env.OPS_PORT}`
      : 'default ops port';
    log(`${planned.name}:${stages} ${ops}`);
  }
}

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof LauncherArgumentError) process.exit(2);
  // Nothing was started, and what runs in that folder belongs to the other launcher.
  if (error instanceof DataFolderInUseError) process.exit(1);
  process.kill(process.pid, 'SIGTERM');
});
