import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findFreePort, LOOPBACK } from './free-port';
import { ensureKafkaDistribution, KafkaDistribution } from './kafka-distribution';
import { tailFile } from './log-tail';
import { ManagedProcess } from './managed-process';
import { runCommand } from './run-command';
import { waitForKafkaListener, waitForKafkaReady } from './kafka-readiness';

/**
 * A new KRaft cluster id: 16 random bytes in URL-safe base64 without padding. A base64url id may
 * begin with '-', which the storage tool's argument parser would take for an option.
 */
export function newKafkaClusterId(): string {
  return `k${randomBytes(16).toString('base64url').slice(1)}`;
}

/** Replication of topics on a cluster of `size` nodes: internal ones here, the platform's by its launchers. */
export function clusterReplication(size: number): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = Math.min(3, size);
  // From three replicas on, one node may be down while writes with acks=all still succeed.
  return { replicationFactor, minInsyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

export interface KafkaBrokerOptions {
  /** Folder the broker owns: server.properties, the log dirs (`logs/`) and the broker log. */
  dataDir: string;
  /** Client listener port; a free one when omitted. */
  port?: number;
  /** KRaft controller listener port; a free one when omitted. */
  controllerPort?: number;
  /** Broker log file (log4j2, INFO); default `<dataDir>/kafka.log`. */
  logFile?: string;
  /** How long `start()` waits for the broker to answer (default 120 s). */
  startTimeoutMs?: number;
  /** JVM heap flags; default `-Xms256m -Xmx768m`. */
  heapOpts?: readonly string[];
  /** Receives the broker's stdout/stderr lines; default: dropped (they are in the log file). */
  onLine?: (line: string) => void;
  /** Maven/Java cache folder (default cacheDir()). */
  cacheDir?: string;
  /** Progress messages. */
  log?: (line: string) => void;
  /** Cluster membership; omitted: a single node (node id 1, replication factor 1 for internal topics). */
  cluster?: KafkaClusterMembership;
}

/** What a node of a multi-node KRaft cluster needs to know about the others. */
export interface KafkaClusterMembership {
  nodeId: number;
  /** `controller.quorum.voters`: `<id>@127.0.0.1:<controllerPort>` of every node. */
  quorumVoters: string;
  /** One id shared by every node's storage format. */
  clusterId: string;
  /** Nodes in the cluster: the replication factor of the internal topics (offsets, transactions). */
  size: number;
}

/**
 * A single-node Apache Kafka 4.1 broker in KRaft combined mode (broker and controller in one JVM),
 * listening on 127.0.0.1 only. The storage is formatted once; `stop()` then `start()` on the same
 * data dir keeps topics and messages. `start()` resolves once metadata, the group coordinator and
 * the transaction coordinator all answer (see waitForKafkaReady).
 */
export class KafkaBroker {
  readonly dataDir: string;
  readonly logFile: string;
  private portValue: number | undefined;
  private controllerPortValue: number | undefined;
  private process: ManagedProcess | undefined;

  constructor(private readonly options: KafkaBrokerOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.logFile = options.logFile ?? path.join(this.dataDir, 'kafka.log');
    this.portValue = options.port;
    this.controllerPortValue = options.controllerPort;
  }

  get port(): number {
    if (this.portValue === undefined) throw new Error('KafkaBroker: port is known once start() has run');
    return this.portValue;
  }

  get controllerPort(): number {
    if (this.controllerPortValue === undefined) {
      throw new Error('KafkaBroker: controllerPort is known once start() has run');
    }
    return this.controllerPortValue;
  }

  /** `127.0.0.1:<port>`, for KafkaJS `brokers` / KAFKA_BROKERS. */
  get bootstrapServers(): string {
    return `${LOOPBACK}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.running ? this.process.pid : undefined;
  }

  get logDir(): string {
    return path.join(this.dataDir, 'logs');
  }

  /**
   * Starts the node. A single node resolves once it serves clients fully (waitForKafkaReady); a
   * cluster node once its own listener answers metadata, as the cluster's coordinators need the
   * other nodes too (KafkaCluster waits for those).
   */
  async start(): Promise<void> {
    if (this.process?.running) throw new Error(`Kafka broker already running (pid ${this.process.pid})`);
    const distribution = await ensureKafkaDistribution({
      cacheDir: this.options.cacheDir,
      log: this.options.log,
    });
    this.portValue ??= await findFreePort();
    this.controllerPortValue ??= await findFreePort();
    if (this.controllerPortValue === this.portValue) this.controllerPortValue = await findFreePort();

    fs.mkdirSync(this.logDir, { recursive: true });
    const propertiesFile = path.join(this.dataDir, 'server.properties');
    fs.writeFileSync(propertiesFile, this.serverProperties());
    await this.formatStorageOnce(distribution, propertiesFile);

    const managed = new ManagedProcess({
      name: this.options.cluster ? `kafka-${this.options.cluster.nodeId}` : 'kafka',
      command: distribution.java,
      args: [
        ...(this.options.heapOpts ??
          (this.options.cluster ? ['-Xms256m', '-Xmx512m'] : ['-Xms256m', '-Xmx768m'])),
        ...this.jvmFlags(distribution),
        'kafka.Kafka',
        propertiesFile,
      ],
      cwd: this.dataDir,
      onLine: this.options.onLine,
    });
    this.process = managed;
    managed.start();
    try {
      await this.waitUntilReady(managed);
    } catch (error: unknown) {
      await managed.stop(5_000);
      throw error;
    }
  }

  /** SIGTERM (controlled shutdown), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<void> {
    await this.process?.stop(timeoutMs);
  }

  /** A crash: SIGKILL (no controlled shutdown, no leadership handed over); resolves once it is gone. */
  async kill(): Promise<void> {
    const managed = this.process;
    if (!managed?.running) return;
    managed.signal('SIGKILL');
    await managed.whenExited();
  }

  private jvmFlags(distribution: KafkaDistribution): string[] {
    return [
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      // C1 only: a local broker's load never repays C2's compile threads, which on a small machine
      // take the cores the services need (Kafka's CPU per job fell by a quarter to a half in the compare bench).
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${distribution.log4jConfig}`,
      `-Dkafka.log.file=${this.logFile}`,
      `-Dkafka.logs.dir=${this.dataDir}`,
      '-cp',
      distribution.classpath,
    ];
  }

  private serverProperties(): string {
    const cluster = this.options.cluster;
    const { replicationFactor: replicas, minInsyncReplicas: minIsr } = clusterReplication(cluster?.size ?? 1);
    const properties: Record<string, string | number> = {
      'process.roles': 'broker,controller',
      'node.id': cluster?.nodeId ?? 1,
      // A static voter set (rather than --standalone's dynamic quorum) keeps no controller address
      // in the metadata log, so the same data dir can be restarted on other ports.
      'controller.quorum.voters': cluster?.quorumVoters ?? `1@${LOOPBACK}:${this.controllerPort}`,
      listeners: `PLAINTEXT://${LOOPBACK}:${this.port},CONTROLLER://${LOOPBACK}:${this.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://${LOOPBACK}:${this.port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': this.logDir,
      'num.partitions': 12,
      'default.replication.factor': replicas,
      'min.insync.replicas': minIsr,
      'offsets.topic.replication.factor': replicas,
      'transaction.state.log.replication.factor': replicas,
      'transaction.state.log.min.isr': minIsr,
      'share.coordinator.state.topic.replication.factor': replicas,
      'share.coordinator.state.topic.min.isr': minIsr,
      'group.initial.rebalance.delay.ms': 0,
      // Empty groups without committed offsets (each process's throwaway control group) are deleted
      // by this periodic scan; every 10 min by default, every 30 s here.
      'offsets.retention.check.interval.ms': 30_000,
      'auto.create.topics.enable': 'false',
    };
    const lines = Object.entries(properties).map(([key, value]) => `${key}=${value}`);
    return `# Generated by tools/stack (event-jobs) on every start.\n${lines.join('\n')}\n`;
  }

  /** Formats the log dir once; an existing meta.properties means the data is reused. */
  private async formatStorageOnce(distribution: KafkaDistribution, propertiesFile: string): Promise<void> {
    if (fs.existsSync(path.join(this.logDir, 'meta.properties'))) return;
    const clusterId = this.options.cluster?.clusterId ?? newKafkaClusterId();
    await runCommand(
      distribution.java,
      [
        '-Xmx256m',
        `-Dlog4j2.configurationFile=${distribution.log4jConfig}`,
        `-Dkafka.log.file=${this.logFile}`,
        '-cp',
        distribution.classpath,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        propertiesFile,
      ],
      { cwd: this.dataDir, timeoutMs: 120_000 },
    );
  }

  private async waitUntilReady(managed: ManagedProcess): Promise<void> {
    const options = {
      timeoutMs: this.options.startTimeoutMs ?? 120_000,
      abort: () => {
        const exit = managed.exited;
        return exit ? `the broker process exited (code ${exit.code}, signal ${exit.signal})` : undefined;
      },
    };
    try {
      if (this.options.cluster) await waitForKafkaListener(this.bootstrapServers, options);
      else await waitForKafkaReady(this.bootstrapServers, options);
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      const tail = tailFile(this.logFile) || managed.recentOutput.toString();
      throw new Error(`${message}\n--- last lines of ${this.logFile} ---\n${tail}`);
    }
  }
}
