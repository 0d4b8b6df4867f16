import { requiredEnv } from '@app/test-support/harness-env';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { KafkaBroker } from './kafka-broker';
import { KafkaCluster } from './kafka-cluster';
import { LocalStack } from './local-stack';
import { PostgresServer } from './postgres-server';

/** Rejects when `promise` has not settled by the deadline: we wait on conditions, never on sleeps. */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const unique = (prefix: string): string => `${prefix}-${Date.now()}-${randomUUID().slice(0, 8)}`;

function kafkaClient(brokers: string): Kafka {
  return new Kafka({ clientId: unique('stack-test'), brokers: brokers.split(','), logLevel: logLevel.ERROR });
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Reads the topic from the beginning until `count` messages arrived (committed ones only). */
async function consume(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: unique('stack-test-group') });
  const received: KafkaMessage[] = [];
  let done: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message);
        if (received.length >= count) done();
      },
    });
    await withDeadline(enough, timeoutMs, `waiting for ${count} message(s) on ${topic}`);
    return received;
  } finally {
    await consumer.disconnect();
  }
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.promises.chmod(dir, 0o755); // PostgreSQL runs as another user when we are root
  return dir;
}

describe('local stack (harness)', () => {
  it('produces and consumes a message through Kafka', async () => {
    const kafka = kafkaClient(requiredEnv('KAFKA_BROKERS'));
    const topic = unique('stack-smoke');
    await createTopic(kafka, topic);
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'k', value: 'hello' }] });
    } finally {
      await producer.disconnect();
    }
    const [message] = await consume(kafka, topic, 1);
    expect(message.key?.toString()).toBe('k');
    expect(message.value?.toString()).toBe('hello');
  });

  it('commits a Kafka transaction (single-node transaction state log)', async () => {
    const kafka = kafkaClient(requiredEnv('KAFKA_BROKERS'));
    const topic = unique('stack-tx');
    await createTopic(kafka, topic);
    const producer = kafka.producer({
      transactionalId: unique('stack-tx-producer'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ value: 'in-a-transaction' }] });
      await transaction.commit();
    } finally {
      await producer.disconnect();
    }
    const [message] = await consume(kafka, topic, 1);
    expect(message.value?.toString()).toBe('in-a-transaction');
  });

  it('answers SELECT 1 on PostgreSQL', async () => {
    const client = new Client({ connectionString: requiredEnv('DATABASE_URL') });
    await client.connect();
    try {
      const result = await client.query<{ one: number }>('SELECT 1 AS one');
      expect(result.rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });
});

describe('restart on the same data dir', () => {
  it('PostgresServer keeps a row written before the restart', async () => {
    const dir = await tempDir('event-jobs-pg-restart-');
    const server = new PostgresServer({ dataDir: path.join(dir, 'data') });
    try {
      await server.start();
      const before = new Client({ connectionString: server.url });
      await before.connect();
      await before.query('CREATE TABLE kept (id int PRIMARY KEY, note text)');
      await before.query("INSERT INTO kept VALUES (1, 'survives a restart')");
      await before.end();

      await server.stop();
      expect(server.pid).toBeUndefined();
      await server.start();

      const after = new Client({ connectionString: server.url });
      await after.connect();
      try {
        const result = await after.query<{ note: string }>('SELECT note FROM kept WHERE id = 1');
        expect(result.rows).toEqual([{ note: 'survives a restart' }]);
      } finally {
        await after.end();
      }
    } finally {
      await server.stop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  it('KafkaBroker keeps a topic and its message', async () => {
    const dir = await tempDir('event-jobs-kafka-restart-');
    const broker = new KafkaBroker({ dataDir: dir });
    try {
      await broker.start();
      const firstPid = broker.pid;
      const topic = unique('stack-restart');
      const kafka = kafkaClient(broker.bootstrapServers);
      await createTopic(kafka, topic);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value: 'before restart' }] });
      await producer.disconnect();

      await broker.stop();
      expect(broker.pid).toBeUndefined();
      await broker.start();
      expect(broker.pid).not.toBe(firstPid);

      const admin = kafka.admin();
      await admin.connect();
      try {
        expect(await admin.listTopics()).toContain(topic);
      } finally {
        await admin.disconnect();
      }
      const [message] = await consume(kafka, topic, 1);
      expect(message.value?.toString()).toBe('before restart');
    } finally {
      await broker.stop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a three-node Kafka cluster', () => {
  it('keeps acks=all writes through a SIGKILLed node, catches it up, and keeps data across a restart', async () => {
    const dir = await tempDir('event-jobs-kafka-cluster-');
    const cluster = new KafkaCluster({ dataDir: dir, size: 3 });
    try {
      await cluster.start();
      expect(cluster.bootstrapServers.split(',')).toHaveLength(3);
      const kafka = kafkaClient(cluster.bootstrapServers);
      const topic = unique('stack-cluster');
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic,
              numPartitions: 3,
              replicationFactor: 3,
              configEntries: [{ name: 'min.insync.replicas', value: '2' }],
            },
          ],
        });
        const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        expect(metadata.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);
      } finally {
        await admin.disconnect();
      }
      // Retries outlast the controller's fencing of a dead node (broker.session.timeout.ms, 9 s).
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { retries: 15, initialRetryTime: 200, maxRetryTime: 2_000 },
      });
      await producer.connect();
      try {
        await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: 'before' }] });
        await cluster.node(1).kill();
        expect(cluster.node(1).pid).toBeUndefined();
        // Two of three replicas still meet min.insync.replicas=2 once leadership has moved.
        await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: 'during' }] });
        await cluster.node(1).start();
        await cluster.waitUntilFullyReplicated(120_000);
      } finally {
        await producer.disconnect();
      }

      await cluster.stop();
      const restarted = new KafkaCluster({
        dataDir: dir,
        size: 3,
        ports: cluster.nodes.map((node) => ({ port: node.port, controllerPort: node.controllerPort })),
      });
      await restarted.start();
      try {
        const messages = await consume(kafkaClient(restarted.bootstrapServers), topic, 2);
        expect(messages.map((m) => m.value?.toString()).sort()).toEqual(['before', 'during']);
      } finally {
        await restarted.stop();
      }
    } finally {
      await cluster.stop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('refuses to start a data folder with another broker count than it was created with', async () => {
    const dir = await tempDir('event-jobs-kafka-layout-');
    try {
      await fs.promises.mkdir(path.join(dir, 'kafka', 'node-1', 'logs'), { recursive: true });
      await fs.promises.writeFile(
        path.join(dir, 'kafka', 'node-1', 'logs', 'meta.properties'),
        'cluster.id=x\n',
      );
      await fs.promises.mkdir(path.join(dir, 'kafka', 'node-3', 'logs'), { recursive: true });
      await fs.promises.writeFile(
        path.join(dir, 'kafka', 'node-3', 'logs', 'meta.properties'),
        'cluster.id=x\n',
      );
      await expect(new LocalStack().start({ dataDir: dir, freePorts: true })).rejects.toThrow(
        /created with 3 broker\(s\), not 1: start with --brokers 3/,
      );
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});
