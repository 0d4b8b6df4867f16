import * as fs from 'node:fs';
import * as path from 'node:path';
import { findFreePort, LOOPBACK } from './free-port';
import { KafkaBroker, newKafkaClusterId } from './kafka-broker';
import { probeClient, waitForKafkaReady } from './kafka-readiness';
import { waitFor } from './wait-for';

export interface KafkaNodePorts {
  port: number;
  controllerPort: number;
}

export interface KafkaClusterOptions {
  /** The cluster's folder: node `<id>` keeps its data in `node-<id>/`. */
  dataDir: string;
  /** How many nodes (each broker and controller), 2 or more. */
  size: number;
  /** Ports of each node, in node order; free ones when omitted. */
  ports?: readonly KafkaNodePorts[];
  /** How long `start()` waits for the cluster to serve clients (default 180 s). */
  startTimeoutMs?: number;
  cacheDir?: string;
  log?: (line: string) => void;
}

/** The node folders of a cluster folder that hold formatted storage (node ids, ascending). */
export function formattedClusterNodes(dataDir: string): number[] {
  if (!fs.existsSync(dataDir)) return [];
  return fs
    .readdirSync(dataDir)
    .map((name) => /^node-(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .filter((match) => fs.existsSync(path.join(dataDir, match[0], 'logs', 'meta.properties')))
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

/**
 * A KRaft cluster of `size` nodes on this machine, each broker and controller in its own JVM with
 * its own ports and folder, all voters of one static controller quorum. Internal topics are
 * replicated to min(3, size) nodes (min ISR 2 from three nodes on). `start()` resolves once every
 * node has joined and the group and transaction coordinators answer.
 */
export class KafkaCluster {
  readonly dataDir: string;
  private nodesValue: KafkaBroker[] = [];

  constructor(private readonly options: KafkaClusterOptions) {
    if (!Number.isInteger(options.size) || options.size < 2) {
      throw new Error(`KafkaCluster: size ${options.size} is not 2 or more`);
    }
    this.dataDir = path.resolve(options.dataDir);
  }

  get nodes(): readonly KafkaBroker[] {
    return this.nodesValue;
  }

  /** `host:port` of every node, comma-separated (KAFKA_BROKERS). */
  get bootstrapServers(): string {
    return this.nodesValue.map((node) => node.bootstrapServers).join(',');
  }

  /** The node with this KRaft node id (1-based). */
  node(nodeId: number): KafkaBroker {
    const node = this.nodesValue[nodeId - 1];
    if (!node) throw new Error(`KafkaCluster: no node ${nodeId}`);
    return node;
  }

  async start(): Promise<void> {
    if (this.nodesValue.length > 0) throw new Error('KafkaCluster already started');
    const ports = await this.nodePorts();
    const quorumVoters = ports.map((p, i) => `${i + 1}@${LOOPBACK}:${p.controllerPort}`).join(',');
    const clusterId = this.existingClusterId() ?? newKafkaClusterId();
    this.nodesValue = ports.map(
      (p, i) =>
        new KafkaBroker({
          dataDir: path.join(this.dataDir, `node-${i + 1}`),
          port: p.port,
          controllerPort: p.controllerPort,
          cacheDir: this.options.cacheDir,
          log: this.options.log,
          startTimeoutMs: this.options.startTimeoutMs ?? 180_000,
          cluster: { nodeId: i + 1, quorumVoters, clusterId, size: this.options.size },
        }),
    );
    try {
      // Together: a node answers only once a quorum of controllers has elected a leader.
      await Promise.all(this.nodesValue.map((node) => node.start()));
      await waitForKafkaReady(this.bootstrapServers, { timeoutMs: this.options.startTimeoutMs ?? 180_000 });
    } catch (error: unknown) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Stops every node (controlled shutdown, in parallel). */
  async stop(timeoutMs = 30_000): Promise<void> {
    await Promise.all(this.nodesValue.map((node) => node.stop(timeoutMs)));
  }

  /**
   * Waits until every partition of every topic has all its replicas in sync (a node that came back
   * has caught up), so that losing another node keeps min.insync.replicas.
   */
  async waitUntilFullyReplicated(timeoutMs = 120_000): Promise<void> {
    const kafka = probeClient(this.bootstrapServers.split(','), 'event-jobs-stack-isr');
    const admin = kafka.admin();
    try {
      await waitFor(
        async () => {
          await admin.connect();
          const metadata = await admin.fetchTopicMetadata();
          const lagging = metadata.topics.flatMap((topic) =>
            topic.partitions
              .filter((p) => p.leader < 0 || p.isr.length < p.replicas.length)
              .map((p) => `${topic.name}-${p.partitionId}`),
          );
          if (lagging.length === 0) return true;
          throw new Error(`${lagging.length} partitions under-replicated, e.g. ${lagging[0]}`);
        },
        { what: 'every Kafka partition to be fully replicated', timeoutMs, intervalMs: 250 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  private async nodePorts(): Promise<KafkaNodePorts[]> {
    const given = this.options.ports;
    if (given) {
      if (given.length !== this.options.size) {
        throw new Error(`KafkaCluster: ${given.length} port pairs for ${this.options.size} nodes`);
      }
      return [...given];
    }
    const taken = new Set<number>();
    const free = async (): Promise<number> => {
      let port: number;
      do port = await findFreePort();
      while (taken.has(port));
      taken.add(port);
      return port;
    };
    const ports: KafkaNodePorts[] = [];
    for (let i = 0; i < this.options.size; i += 1)
      ports.push({ port: await free(), controllerPort: await free() });
    return ports;
  }

  /** A node formatted by an earlier start fixes the cluster id (the others must be formatted with it). */
  private existingClusterId(): string | undefined {
    for (const nodeId of formattedClusterNodes(this.dataDir)) {
      const meta = fs.readFileSync(
        path.join(this.dataDir, `node-${nodeId}`, 'logs', 'meta.properties'),
        'utf8',
      );
      const match = /^cluster\.id=(.+)$/m.exec(meta);
      if (match) return match[1].trim();
    }
    return undefined;
  }
}
