import { Kafka, logLevel } from 'kafkajs';
import type { KafkaBroker, KafkaCluster } from '@app/stack';
import { eventually } from './wait';

/** Partition leaders per node id over every partition of every topic (the platform's and Kafka's own). */
export async function leadersByNode(cluster: KafkaCluster): Promise<Map<number, number>> {
  const kafka = new Kafka({
    clientId: 'cluster-faults-test',
    brokers: cluster.nodes.filter((node) => node.pid !== undefined).map((node) => node.bootstrapServers),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    const metadata = await admin.fetchTopicMetadata({ topics });
    const leaders = new Map<number, number>();
    for (const topic of metadata.topics) {
      for (const partition of topic.partitions) {
        leaders.set(partition.leader, (leaders.get(partition.leader) ?? 0) + 1);
      }
    }
    return leaders;
  } finally {
    await admin.disconnect();
  }
}

export interface KilledNode {
  node: KafkaBroker;
  nodeId: number;
  ledPartitions: number;
  killedAt: number;
}

/** SIGKILLs the node that leads the most partitions (the lowest id on a tie). */
export async function killLeaderMostNode(cluster: KafkaCluster): Promise<KilledNode> {
  const leaders = await eventually('partition leaders', () => leadersByNode(cluster));
  const [nodeId, ledPartitions] = [...leaders.entries()]
    .filter(([id]) => id > 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  const node = cluster.node(nodeId);
  await node.kill();
  return { node, nodeId, ledPartitions, killedAt: Date.now() };
}

/** Waits until no partition is led by `nodeId` (the controller fenced it and moved its leaderships). */
export async function waitUntilLeadersMoved(
  cluster: KafkaCluster,
  nodeId: number,
  timeoutMs = 60_000,
): Promise<void> {
  await eventually(
    `the partitions node ${nodeId} led to get other leaders`,
    async () => (((await leadersByNode(cluster)).get(nodeId) ?? 0) === 0 ? true : undefined),
    timeoutMs,
  );
}

/** Starts a killed node again and waits until every partition is fully replicated. */
export async function bringBack(
  cluster: KafkaCluster,
  node: KafkaBroker,
  timeoutMs = 120_000,
): Promise<void> {
  await node.start();
  await cluster.waitUntilFullyReplicated(timeoutMs);
}
