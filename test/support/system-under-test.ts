import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDatabase, requiredEnv, withDatabase } from './harness-env';
import { findFreePorts, ProcessSupervisor } from '../../tools/stack/src';
import {
  ALL_SERVICES,
  migrateDatabase,
  replicaName,
  startService,
  waitForGatewayReady,
  type ServiceName,
} from '../../tools/launcher/src/services';
import { prepareKafka } from '../../tools/launcher/src/topics';

export interface SystemOptions {
  /** Extra environment for every service (e.g. SCRAPER_TIMEOUT_MS). */
  env?: Record<string, string>;
  services?: ServiceName[];
  /** Defaults: the harness's KAFKA_BROKERS and DATABASE_URL. */
  kafkaBrokers?: string;
  adminDatabaseUrl?: string;
  /** Reuse a database and topic prefix (a restart of the same system); default: fresh ones. */
  isolation?: { database: string; topicPrefix: string };
}

/**
 * The built services (dist/) running as real processes against the harness's Kafka and PostgreSQL,
 * isolated from other test files by a topic/group prefix and a database of their own.
 */
export class SystemUnderTest {
  readonly supervisor: ProcessSupervisor;
  private constructor(
    readonly baseUrl: string,
    readonly env: NodeJS.ProcessEnv,
    readonly topicPrefix: string,
    readonly database: string,
    readonly databaseUrl: string,
    readonly logFile: string,
    /** The projector's ops/admin HTTP port (fixed, so the gateway can forward /admin/projections). */
    readonly projectorOpsPort: number,
  ) {
    this.supervisor = new ProcessSupervisor({ output: null });
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
    const [port, projectorOpsPort] = await findFreePorts(2);
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
    );
    await Promise.all([prepareKafka(env), migrateDatabase(env)]);
    for (const service of options.services ?? ALL_SERVICES) system.startService(service);
    await waitForGatewayReady(system.baseUrl, 60_000, () => system.deadService());
    return system;
  }

  /**
   * Starts one service process (named `service`, or `service#replica`, in the supervisor); `extraEnv`
   * changes its environment (a new STAGE_VERSION, DOCUMENTS_STAGES, ...). Returns its name.
   */
  startService(service: ServiceName, replica?: number, extraEnv: Record<string, string> = {}): string {
    fs.appendFileSync(this.logFile, `--- starting ${service}${replica ?? ''} ${JSON.stringify(extraEnv)}\n`);
    // Other workers take any free ops port; the (single) projector a fixed one, known to the gateway.
    const env = {
      ...this.env,
      ...(service === 'projector' && replica === undefined
        ? { OPS_PORT: String(this.projectorOpsPort) }
        : {}),
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

  /** A reason to stop waiting when a service died on start-up. */
  private deadService(): string | undefined {
    for (const name of this.supervisor.names()) {
      const managed = this.supervisor.get(name);
      if (managed && !managed.running) return `${name} exited:\n${managed.recentOutput.toString()}`;
    }
    return undefined;
  }

  async stop(): Promise<void> {
    await this.supervisor.stopAll(10_000);
  }
}
