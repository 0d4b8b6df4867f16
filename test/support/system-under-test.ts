import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_ADMIN_KEY } from './test-keys';
import { createDatabase, requiredEnv, withDatabase } from './harness-env';
import { findFreePorts, ProcessSupervisor, waitFor, type ExitInfo, type UnexpectedExit } from '@app/stack';
import {
  ALL_SERVICES,
  migrateDatabase,
  replicaName,
  startService,
  waitForGatewayReady,
  type ServiceName,
} from '@app/launcher/services';
import { prepareKafka } from '@app/launcher/topics';

export interface SystemOptions {
  /** Extra environment for every service (e.g. SCRAPER_TIMEOUT_MS). */
  env?: Record<string, string>;
  services?: ServiceName[];
  /** Defaults: the harness's KAFKA_BROKERS and DATABASE_URL. */
  kafkaBrokers?: string;
  adminDatabaseUrl?: string;
  /** Reuse a database and topic prefix (a restart of the same system); default: fresh ones. */
  isolation?: { database: string; topicPrefix: string };
  /**
   * Restart a service that exits unexpectedly after 2 s, as `npm start` does (a consumer that KafkaJS
   * gave up on exits so that its supervisor restarts it). Default false: a crash stays visible.
   */
  restartOnCrash?: boolean;
}

/**
 * The built services (dist/) running as real processes against the harness's Kafka and PostgreSQL,
 * isolated from other test files by a topic/group prefix and a database of their own.
 */
export class SystemUnderTest {
  readonly supervisor: ProcessSupervisor;
  /** Services that exited without being asked to (crashes), since start. */
  readonly unexpectedExits: UnexpectedExit[] = [];
  private stopping = false;
  private constructor(
    readonly baseUrl: string,
    readonly env: NodeJS.ProcessEnv,
    readonly topicPrefix: string,
    readonly database: string,
    readonly databaseUrl: string,
    readonly logFile: string,
    /** The projector's ops/admin HTTP port (fixed, so the gateway can forward /admin/projections). */
    readonly projectorOpsPort: number,
    /** Ops HTTP port of each worker service's first replica (fixed, so a restart can be waited for). */
    private readonly opsPorts: ReadonlyMap<ServiceName, number>,
  ) {
    this.supervisor = new ProcessSupervisor({ output: null });
    this.supervisor.onUnexpectedExit((exit) => this.unexpectedExits.push(exit));
  }

  static async start(options: SystemOptions = {}): Promise<SystemUnderTest> {
    const brokers = options.kafkaBrokers ?? requiredEnv('KAFKA_BROKERS');
    const adminUrl = options.adminDatabaseUrl ?? requiredEnv('DATABASE_URL');
    const suffix = randomBytes(4).toString('hex');
    const { database, topicPrefix } = options.isolation ?? {
      database: `e2e_${suffix}`,
      topicPrefix: `e2e-${suffix}.`,
    };
    if (!options.isolation) {
      await createDatabase(adminUrl, database);
    }
    const databaseUrl = withDatabase(adminUrl, database);
    const services = options.services ?? ALL_SERVICES;
    const [port, projectorOpsPort, ...workerPorts] = await findFreePorts(2 + services.length);
    const opsPorts = new Map<ServiceName, number>(
      services.map((service, index) => [
        service,
        service === 'projector' ? projectorOpsPort : workerPorts[index],
      ]),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      DATABASE_URL: databaseUrl,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'info',
      OPS_PORT: '0',
      BLOB_DIR: path.join(os.tmpdir(), `event-jobs-blobs-${suffix}`),
      PROJECTOR_ADMIN_URL: `http://127.0.0.1:${projectorOpsPort}`,
      // Every gateway stores it at start-up: the tests' ApiClient sends it by default.
      EVENT_JOBS_ADMIN_KEY: TEST_ADMIN_KEY,
      ...options.env,
    };
    const logFile = path.join(os.tmpdir(), `event-jobs-${topicPrefix}log`);
    const system = new SystemUnderTest(
      `http://127.0.0.1:${port}`,
      env,
      topicPrefix,
      database,
      databaseUrl,
      logFile,
      projectorOpsPort,
      opsPorts,
    );
    await Promise.all([prepareKafka(env), migrateDatabase(env)]);
    if (options.restartOnCrash) system.restartServicesOnCrash();
    for (const service of services) system.startService(service);
    await waitForGatewayReady(system.baseUrl, 60_000, () => system.deadService());
    return system;
  }

  /**
   * Starts one service process (named `service`, or `service#replica`, in the supervisor); `extraEnv`
   * changes its environment (a new STAGE_VERSION, DOCUMENTS_STAGES, ...). Returns its name.
   */
  startService(service: ServiceName, replica?: number, extraEnv: Record<string, string> = {}): string {
    fs.appendFileSync(this.logFile, `--- starting ${service}${replica ?? ''} ${JSON.stringify(extraEnv)}\n`);
    // First replicas get a fixed ops port (the projector's is known to the gateway); others any free one.
    const opsPort = replica === undefined ? this.opsPorts.get(service) : undefined;
    const env = {
      ...this.env,
      ...(opsPort === undefined ? {} : { OPS_PORT: String(opsPort) }),
      ...extraEnv,
    };
    startService(this.supervisor, service, env, replica, this.logFile);
    return replica === undefined ? service : replicaName(service, replica);
  }

  /** Starts `count` replicas of a worker service, all in its consumer group; returns their names (`scraper#1`, ...). */
  startReplicas(service: Exclude<ServiceName, 'gateway' | 'projector'>, count: number): string[] {
    const names: string[] = [];
    for (let replica = 1; replica <= count; replica += 1) {
      names.push(this.startService(service, replica));
    }
    return names;
  }

  /** A crash: SIGKILL to the service's process (no shutdown hooks run); resolves once it is gone. */
  kill(service: ServiceName): Promise<ExitInfo> {
    fs.appendFileSync(this.logFile, `--- SIGKILL ${service}\n`);
    return this.supervisor.kill(service, 'SIGKILL');
  }

  /**
   * Starts a killed or stopped service again (same command and environment) and resolves once it
   * serves HTTP: a worker's ops server listens only after its consumers joined their groups.
   */
  async restart(service: ServiceName, timeoutMs = 60_000): Promise<void> {
    fs.appendFileSync(this.logFile, `--- restarting ${service}\n`);
    const managed = await this.supervisor.restart(service);
    const port = this.opsPorts.get(service);
    const url = service === 'gateway' || port === undefined ? this.baseUrl : `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2000) });
        return response.ok ? true : undefined;
      },
      {
        what: `${service} to serve ${url}/health/live after a restart`,
        timeoutMs,
        intervalMs: 100,
        abort: () => (managed.running ? undefined : `it exited:\n${managed.recentOutput.toString()}`),
      },
    );
  }

  private restartServicesOnCrash(): void {
    this.supervisor.onUnexpectedExit(({ name }) => {
      fs.appendFileSync(this.logFile, `--- ${name} exited unexpectedly; restarting in 2 s\n`);
      setTimeout(() => {
        if (!this.stopping && !this.supervisor.get(name)?.running) void this.supervisor.restart(name);
      }, 2000);
    });
  }

  /** A reason to stop waiting when a service died on start-up. */
  private deadService(): string | undefined {
    for (const name of this.supervisor.names()) {
      const managed = this.supervisor.get(name);
      if (managed && !managed.running) return `${name} exited:\n${managed.recentOutput.toString()}`;
    }
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.supervisor.stopAll(10_000);
  }
}
