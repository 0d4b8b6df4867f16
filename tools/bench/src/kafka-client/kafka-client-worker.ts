/*
 * One Kafka client measured alone in its own process (spawned by kafka-client-bench.ts), on the pattern
 * the platform's runtime uses: an idempotent acks=all producer with one request in flight (single
 * events at low rates, grouped sends under load), then a consumer group that reads fetched batches
 * and commits the offsets read at most every 100 ms (as a stage's continuous intake does).
 *
 *   node kafka-client-worker.js <kafkajs|platformatic> <brokers> <topic> <singles> <grouped> <groupSize>
 *
 * Prints one JSON line: CPU (user + system) and wall time of each phase.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type IHeaders } from 'kafkajs';
import {
  Admin,
  Consumer as PlatformaticConsumer,
  MessagesStreamModes,
  ProduceAcks,
  Producer as PlatformaticProducer,
  type CommitOptionsPartition,
} from '@platformatic/kafka';

export type ClientName = 'kafkajs' | 'platformatic';

export interface PhaseFigures {
  messages: number;
  wallMs: number;
  cpuMs: number;
}

export interface WorkerResult {
  client: ClientName;
  produceSingle: PhaseFigures;
  produceGrouped: PhaseFigures;
  consume: PhaseFigures & { commits: number };
}

const PARTITIONS = 12;
const COMMIT_INTERVAL_MS = 100;

/** A value and headers the size and shape of a JobRequested event (634 bytes on average on our log). */
function sampleMessage(): { key: string; value: Buffer; headers: Record<string, string> } {
  const jobId = randomUUID();
  const value = Buffer.from(
    JSON.stringify({
      id: randomUUID(),
      type: 'JobRequested',
      version: 1,
      jobId,
      tenantId: 'default',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      data: {
        jobType: 'scrape',
        input: { url: 'http://127.0.0.1:18080/basic.html', selectors: {} },
        priority: 'normal',
        idempotencyKey: null,
      },
    }).padEnd(420, ' '),
  );
  return {
    key: jobId,
    value,
    headers: {
      'x-correlation-id': randomUUID(),
      'event-type': 'JobRequested',
      'event-id': randomUUID(),
      traceparent: `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`,
    },
  };
}

async function measure<T>(messages: number, work: () => Promise<T>): Promise<PhaseFigures & { value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return {
    messages,
    wallMs: Math.round(performance.now() - started),
    cpuMs: Math.round((used.user + used.system) / 1000),
    value,
  };
}

function strip<T extends PhaseFigures>(figures: T & { value: unknown }): PhaseFigures {
  return { messages: figures.messages, wallMs: figures.wallMs, cpuMs: figures.cpuMs };
}

/** What each client must provide for the three phases. */
interface ClientUnderTest {
  createTopic(topic: string): Promise<void>;
  /** Sends `count` messages, `perSend` per request, one request in flight. */
  produce(topic: string, count: number, perSend: number): Promise<void>;
  /** Reads `count` messages from the topic's start in a new group; returns the commits made. */
  consume(topic: string, count: number): Promise<number>;
  close(): Promise<void>;
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

function kafkajsClient(brokers: string[]): ClientUnderTest {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected = false;
  return {
    async createTopic(topic) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
      await admin.disconnect();
      await producer.connect();
      connected = true;
    },
    async produce(topic, count, perSend) {
      for (let sent = 0; sent < count; sent += perSend) {
        const messages = Array.from({ length: Math.min(perSend, count - sent) }, sampleMessage);
        await producer.sendBatch({ topicMessages: [{ topic, messages }], acks: -1 });
      }
    },
    async consume(topic, count) {
      const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let read = 0;
      let commits = 0;
      let lastCommit = Date.now();
      const pending = new Map<string, { topic: string; partition: number; offset: string }>();
      const commit = async (): Promise<void> => {
        if (pending.size === 0) return;
        const offsets = [...pending.values()];
        pending.clear();
        commits += 1;
        lastCommit = Date.now();
        await consumer.commitOffsets(offsets);
      };
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatchAutoResolve: false,
            partitionsConsumedConcurrently: PARTITIONS,
            eachBatch: async (payload) => {
              const { batch } = payload;
              for (const message of batch.messages) {
                stringHeaders(message.headers);
                read += 1;
                payload.resolveOffset(message.offset);
              }
              const next = (BigInt(batch.lastOffset()) + 1n).toString();
              pending.set(`${batch.topic}:${batch.partition}`, {
                topic: batch.topic,
                partition: batch.partition,
                offset: next,
              });
              if (read >= count || Date.now() - lastCommit >= COMMIT_INTERVAL_MS) await commit();
              if (read >= count) resolve();
            },
          })
          .catch(reject);
      });
      await commit();
      await consumer.disconnect();
      return commits;
    },
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}

function platformaticClient(brokers: string[]): ClientUnderTest {
  const producer = new PlatformaticProducer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  return {
    async createTopic(topic) {
      const admin = new Admin({ clientId: 'bench-platformatic-admin', bootstrapBrokers: brokers });
      await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
      await admin.close();
    },
    async produce(topic, count, perSend) {
      for (let sent = 0; sent < count; sent += perSend) {
        const messages = Array.from({ length: Math.min(perSend, count - sent) }, () => {
          const sample = sampleMessage();
          return {
            topic,
            key: Buffer.from(sample.key),
            value: sample.value,
            headers: new Map(
              Object.entries(sample.headers).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]),
            ),
          };
        });
        await producer.send({ messages });
      }
    },
    async consume(topic, count) {
      const consumer = new PlatformaticConsumer({
        clientId: 'bench-platformatic-consumer',
        groupId: `bench-${randomUUID()}`,
        bootstrapBrokers: brokers,
        maxWaitTime: 100,
      });
      const stream = await consumer.consume({
        topics: [topic],
        autocommit: false,
        mode: MessagesStreamModes.EARLIEST,
      });
      let read = 0;
      let commits = 0;
      let lastCommit = Date.now();
      const pending = new Map<string, CommitOptionsPartition>();
      const commit = async (): Promise<void> => {
        if (pending.size === 0) return;
        const offsets = [...pending.values()];
        pending.clear();
        commits += 1;
        lastCommit = Date.now();
        await consumer.commit({ offsets });
      };
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('data', (message) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of message.headers)
            headers[name.toString('utf8')] = value.toString('utf8');
          read += 1;
          pending.set(`${message.topic}:${message.partition}`, {
            topic: message.topic,
            partition: message.partition,
            offset: message.offset + 1n,
            leaderEpoch: -1,
          });
          if (read >= count) {
            stream.pause();
            resolve();
          } else if (Date.now() - lastCommit >= COMMIT_INTERVAL_MS) {
            commit().catch(reject);
          }
        });
      });
      await commit();
      await stream.close();
      await consumer.close();
      return commits;
    },
    async close() {
      await producer.close();
    },
  };
}

async function main(): Promise<void> {
  const [client, brokers, topic, singles, grouped, groupSize] = process.argv.slice(2);
  if (client !== 'kafkajs' && client !== 'platformatic') throw new Error(`unknown client ${client}`);
  const list = brokers.split(',');
  const underTest = client === 'kafkajs' ? kafkajsClient(list) : platformaticClient(list);
  await underTest.createTopic(topic);
  // Warm-up: connections, metadata, the producer id, the JIT.
  await underTest.produce(topic, 500, 10);
  const produceSingle = await measure(Number(singles), () => underTest.produce(topic, Number(singles), 1));
  const produceGrouped = await measure(Number(grouped), () =>
    underTest.produce(topic, Number(grouped), Number(groupSize)),
  );
  const total = 500 + Number(singles) + Number(grouped);
  const consume = await measure(total, () => underTest.consume(topic, total));
  await underTest.close();
  const result: WorkerResult = {
    client,
    produceSingle: strip(produceSingle),
    produceGrouped: strip(produceGrouped),
    consume: { ...strip(consume), commits: consume.value },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
