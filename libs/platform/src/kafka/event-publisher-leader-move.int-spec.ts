import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, Partitioners, type Admin, type PartitionMetadata } from 'kafkajs';
import pino from 'pino';
import { KafkaCluster } from '@app/stack';
import { eventually } from '@app/test-support/wait';
import type { KafkaConfig } from '../config/common-config';
import { EventPublisher } from './event-publisher';
import { createKafkaClient } from './kafka-client';

/**
 * EventPublisher against a three-node cluster of its own whose partition leaders move without the
 * publisher being told, as after a failover when the killed node is back: its metadata still names
 * the old leader. The harness's broker is a single node, where a send never spans two brokers.
 */

const TOPIC = 'leader-move';
const PARTITIONS = 6;
const even = [0, 2, 4];
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Keys that KafkaJS's default partitioner (murmur2) sends to `partition`, `count` of them. */
function keysFor(partition: number, count: number): string[] {
  const partitionOf = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId): PartitionMetadata => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i += 1) {
    const key = `job-${i}`;
    if (partitionOf({ topic: TOPIC, partitionMetadata, message: { key, value: null } }) === partition) {
      keys.push(key);
    }
  }
  return keys;
}

async function endOffsets(admin: Admin): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  return offsets.sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
}

describe('EventPublisher when partition leaders moved behind its back (three-node cluster)', () => {
  let dataDir: string;
  let cluster: KafkaCluster;
  let admin: Admin;
  let publisher: EventPublisher;

  beforeAll(async () => {
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-leader-move-'));
    cluster = new KafkaCluster({ dataDir, size: 3 });
    await cluster.start();
    const brokers = cluster.bootstrapServers.split(',');
    admin = new Kafka({ clientId: 'leader-move-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const config: KafkaConfig = {
      brokers,
      clientId: 'leader-move-int-spec',
      partitions: PARTITIONS,
      replicationFactor: 2,
      sendTimeoutMs: 15_000,
      topicPrefix: '',
    };
    publisher = new EventPublisher(createKafkaClient(config, logger), config, logger);
  }, 240_000);

  afterAll(async () => {
    await publisher?.disconnect().catch(() => undefined);
    await admin?.disconnect();
    await cluster?.stop();
    if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  it('writes every message of a send whose stale leader refused partitions that moved to a broker answering that send', async () => {
    // Node 1 leads the even partitions, node 2 the odd ones.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: TOPIC,
          replicaAssignment: Array.from({ length: PARTITIONS }, (_, partition) => ({
            partition,
            replicas: even.includes(partition) ? [1, 2] : [2, 3],
          })),
        },
      ],
    });
    const keys = Array.from({ length: PARTITIONS }, (_, partition) => keysFor(partition, 3));
    await publisher.connect();
    // A first send to every partition: the publisher's client now knows their leaders.
    await publisher.publishRaw(keys.map(([key]) => ({ topic: TOPIC, key, value: `${key}:first` })));
    expect(await endOffsets(admin)).toEqual([1, 1, 1, 1, 1, 1]);

    // The even partitions leave node 1 for nodes 2 and 3 (node 2 leads them); the publisher is not told.
    await admin.alterPartitionReassignments({
      topics: [
        { topic: TOPIC, partitionAssignment: even.map((partition) => ({ partition, replicas: [2, 3] })) },
      ],
    });
    await eventually(
      'the even partitions to be led by node 2 without node 1',
      async () => {
        const [metadata] = (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics;
        const moved = metadata.partitions.filter(
          (p) => even.includes(p.partitionId) && p.leader === 2 && !p.replicas.includes(1),
        );
        return moved.length === even.length ? true : undefined;
      },
      60_000,
    );

    // One send to every partition: node 1 refuses the even ones, node 2 writes the odd ones, and
    // KafkaJS's retry finds node 2 (the even ones' new leader) already answered.
    await publisher.publishRaw(
      keys.flatMap((mine) => mine.map((key) => ({ topic: TOPIC, key, value: `${key}:second` }))),
    );

    expect(await endOffsets(admin)).toEqual([4, 4, 4, 4, 4, 4]);
  }, 120_000);
});
