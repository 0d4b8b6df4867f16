import { randomBytes, randomUUID } from 'node:crypto';
import {
  Partitioners,
  type Admin,
  type Consumer,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import pino from 'pino';
import { Topics, type JobEvent } from '@app/contracts';
import { jobRequested, stageRetryScheduled, stageStarted } from '@app/contracts/testing';
import type { KafkaConfig } from '../config/common-config';
import { StageWorker } from '../stage/stage-worker';
import type { DeadLetterEntry } from './dead-letter';
import type { BatchContext, ConsumedEvent, EventBatchHandler, EventConsumer } from './event-consumer';
import { KafkaRuntime } from './kafka-runtime';
import { requiredEnv } from '@app/test-support/harness-env';
import { eventually } from '@app/test-support/wait';

/**
 * EventPublisher + EventConsumer through the real broker the harness started. Every topic and group of
 * this file lives under a random prefix, so runs never see each other's messages.
 */

const PARTITIONS = 3;
const prefix = `pipeline-${randomBytes(4).toString('hex')}.`;
const config: KafkaConfig = {
  brokers: requiredEnv('KAFKA_BROKERS').split(','),
  clientId: 'event-pipeline-int-spec',
  partitions: PARTITIONS,
  replicationFactor: 1,
  sendTimeoutMs: 15_000,
  topicPrefix: prefix,
};
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Logical topic names, one per test so that consumers of one test never see another's messages. */
const T = {
  delivery: 'pipeline.delivery',
  garbage: 'pipeline.garbage',
  redelivery: 'pipeline.redelivery',
  delayed: 'pipeline.delayed',
} as const;

let runtime: KafkaRuntime;
let admin: Admin;
let producer: Producer;
const rawConsumers: Consumer[] = [];

/** A handler that records every event it is given. */
class RecordingHandler implements EventBatchHandler {
  readonly handled: (ConsumedEvent & { at: number })[] = [];
  constructor(private readonly before?: (events: ConsumedEvent[], context: BatchContext) => Promise<void>) {}

  async handleBatch(events: ConsumedEvent[], context: BatchContext): Promise<void> {
    await this.before?.(events, context);
    const at = Date.now();
    this.handled.push(...events.map((event) => ({ ...event, at })));
  }

  ids(): string[] {
    return this.handled.map((h) => h.event.id);
  }
}

async function startConsumer(
  topic: string,
  handler: EventBatchHandler,
  dueAt?: (event: JobEvent) => number | null,
): Promise<EventConsumer> {
  const consumer = runtime.consumer({
    groupId: `group-${topic}-${randomUUID().slice(0, 8)}`,
    topics: [topic],
    fromBeginning: true,
    handler,
    dueAt,
    sessionTimeoutMs: 10_000,
  });
  await consumer.start();
  return consumer;
}

/** Reads a (logical) topic from the beginning with a plain kafkajs consumer, keeping every message. */
async function readTopic(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({
    groupId: `${prefix}reader-${randomUUID().slice(0, 8)}`,
    maxWaitTimeInMs: 100,
  });
  rawConsumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: prefix + topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
    },
  });
  return messages;
}

/** The partition the publisher's partitioner picks for `key` (murmur2, like the Java client). */
function partitionFor(topic: string, key: string): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return partitioner({ topic: prefix + topic, partitionMetadata, message: { key, value: null } });
}

async function committedOffset(groupId: string, topic: string, partition: number): Promise<string> {
  const offsets = await admin.fetchOffsets({ groupId, topics: [prefix + topic] });
  const found = offsets[0]?.partitions.find((p) => p.partition === partition);
  return found?.offset ?? '-1';
}

beforeAll(async () => {
  runtime = new KafkaRuntime(config, logger);
  await runtime.connect([Topics.DeadLetter, ...Object.values(T)]);
  admin = runtime.kafka.admin();
  await admin.connect();
  producer = runtime.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await Promise.allSettled(rawConsumers.map((consumer) => consumer.disconnect()));
  await producer?.disconnect();
  await admin?.disconnect();
  await runtime?.close();
});

describe('EventPublisher + EventConsumer (real Kafka)', () => {
  it('delivers published events with key = job id and the correlation / type / id headers', async () => {
    const handler = new RecordingHandler();
    const consumer = await startConsumer(T.delivery, handler);
    const raw = await readTopic(runtime.kafka, T.delivery);
    const jobs = [randomUUID(), randomUUID(), randomUUID()];
    const requests = jobs.map((jobId, i) => jobRequested({ jobId, correlationId: `corr-${i}` }));
    const started = stageStarted(requests[0]);
    // Concurrent calls share sends (group commit); each resolves once Kafka acknowledged its events.
    await Promise.all([
      runtime.publisher.publish(requests.map((event) => ({ topic: T.delivery, event }))),
      runtime.publisher.publish([{ topic: T.delivery, event: started, headers: { 'x-extra': 'kept' } }]),
    ]);

    await eventually('4 events handled', () => (handler.handled.length >= 4 ? true : undefined));
    await eventually('4 raw messages', () => (raw.length >= 4 ? true : undefined));
    expect(handler.ids().sort()).toEqual([...requests, started].map((e) => e.id).sort());
    for (const h of handler.handled) {
      expect(h.topic).toBe(T.delivery); // logical name, prefix stripped
      expect(h.headers).toMatchObject({
        'x-correlation-id': h.event.correlationId,
        'event-type': h.event.type,
        'event-id': h.event.id,
      });
      expect(h.partition).toBe(partitionFor(T.delivery, h.event.jobId));
      // Requests name their job type in a header too (stages pass over other types' requests undecoded).
      expect(h.headers['job-type']).toBe(h.event.type === 'JobRequested' ? h.event.data.jobType : undefined);
    }
    expect(handler.handled.find((h) => h.event.id === started.id)?.headers['x-extra']).toBe('kept');
    for (const message of raw) {
      const event = JSON.parse(message.value!.toString('utf8')) as JobEvent;
      expect(message.key?.toString('utf8')).toBe(event.jobId);
    }
    // Per-job order: job 0's request before its StageStarted.
    const job0 = handler.handled.filter((h) => h.event.jobId === jobs[0]).map((h) => h.event.type);
    expect(job0).toEqual(['JobRequested', 'StageStarted']);
    await consumer.stop();
  });

  it('dead-letters invalid messages (not JSON, schema-failing, empty) and still handles the valid one after them', async () => {
    const handler = new RecordingHandler();
    const deadLetters = await readTopic(runtime.kafka, Topics.DeadLetter);
    const jobId = randomUUID();
    const valid = jobRequested({ jobId });
    const schemaFailing = JSON.stringify({ ...jobRequested({ jobId }), id: 'not-a-uuid' });
    const garbage: { value: string | null; reason: string }[] = [
      { value: '{"this is": not json', reason: 'not JSON' },
      { value: schemaFailing, reason: 'invalid envelope' },
      { value: '', reason: 'empty message' },
      { value: null, reason: 'empty message' },
    ];
    // All with the same key: one partition, garbage first, the valid event last.
    await producer.send({
      topic: prefix + T.garbage,
      acks: -1,
      messages: [
        ...garbage.map(({ value }) => ({
          key: jobId,
          value,
          headers: { 'x-correlation-id': 'garbage-corr' },
        })),
        { key: jobId, value: JSON.stringify(valid) },
      ],
    });
    const consumer = await startConsumer(T.garbage, handler);

    await eventually('the valid event handled', () => (handler.handled.length >= 1 ? true : undefined));
    expect(handler.ids()).toEqual([valid.id]);
    const entries = await eventually('4 dead letters', () => {
      const mine = deadLetters
        .map((m) => ({ message: m, entry: JSON.parse(m.value!.toString('utf8')) as DeadLetterEntry }))
        .filter(({ entry }) => entry.source.topic === T.garbage);
      return mine.length >= 4 ? mine : undefined;
    });
    expect(entries).toHaveLength(4);
    const byOffset = [...entries].sort(
      (a, b) => Number(a.entry.source.offset) - Number(b.entry.source.offset),
    );
    byOffset.forEach(({ message, entry }, i) => {
      expect(entry.reason).toBe('invalidMessage');
      expect(entry.detail).toBe(garbage[i].reason);
      expect(entry.errors.length).toBeGreaterThan(0);
      expect(entry.source.partition).toBe(partitionFor(T.garbage, jobId));
      expect(entry.original.key).toBe(jobId);
      expect(entry.original.value).toBe(garbage[i].value === null ? null : garbage[i].value);
      expect(entry.original.headers['x-correlation-id']).toBe('garbage-corr');
      expect(message.key?.toString('utf8')).toBe(jobId);
      expect(message.headers?.['x-dead-letter-reason']?.toString()).toBe('invalidMessage');
      expect(message.headers?.['x-dead-letter-id']?.toString()).toBe(entry.id);
    });
    expect(byOffset[1].entry.errors.map((e) => e.path)).toEqual(['id']);
    await consumer.stop();
  });

  it('redelivers a batch whose handler threw, losing nothing, and commits only after success', async () => {
    const jobId = randomUUID();
    const partition = partitionFor(T.redelivery, jobId);
    const request = jobRequested({ jobId });
    const events = [request, stageStarted(request, 1), stageStarted(request, 2), stageStarted(request, 3)];
    await runtime.publisher.publish(events.map((event) => ({ topic: T.redelivery, event })));

    let calls = 0;
    let releaseFirst!: (error: Error) => void;
    const firstCall = new Promise<never>((_, reject) => (releaseFirst = reject));
    let firstCallSeen!: () => void;
    const firstCallStarted = new Promise<void>((resolve) => (firstCallSeen = resolve));
    const committedAtCall: string[] = [];
    const groupId = `group-redelivery-${randomUUID().slice(0, 8)}`;
    const handler = new RecordingHandler(async () => {
      calls += 1;
      committedAtCall.push(await committedOffset(prefix + groupId, T.redelivery, partition));
      if (calls === 1) {
        firstCallSeen();
        await firstCall; // holds the batch, then throws
      }
    });
    const consumer = runtime.consumer({
      groupId,
      topics: [T.redelivery],
      fromBeginning: true,
      handler,
      sessionTimeoutMs: 10_000,
    });
    await consumer.start();

    await firstCallStarted;
    // While the handler works, nothing is committed.
    expect(await committedOffset(prefix + groupId, T.redelivery, partition)).toBe('-1');
    releaseFirst(new Error('handler failed once'));

    await eventually('the batch handled after the failure', () =>
      handler.handled.length >= events.length ? true : undefined,
    );
    expect(calls).toBeGreaterThanOrEqual(2);
    // The failed call committed nothing: the redelivery started from the uncommitted position.
    expect(committedAtCall[1]).toBe('-1');
    expect(handler.ids()).toEqual(events.map((e) => e.id));
    await eventually('offsets committed after success', async () =>
      (await committedOffset(prefix + groupId, T.redelivery, partition)) === String(events.length)
        ? true
        : undefined,
    );
    await consumer.stop();

    // A restarted member of the group resumes after the committed offset: nothing handled twice.
    const later = stageStarted(request, 4);
    await runtime.publisher.publish([{ topic: T.redelivery, event: later }]);
    const restartedHandler = new RecordingHandler();
    const restarted = runtime.consumer({
      groupId,
      topics: [T.redelivery],
      fromBeginning: true,
      handler: restartedHandler,
      sessionTimeoutMs: 10_000,
    });
    await restarted.start();
    await eventually('the new event handled after the restart', () =>
      restartedHandler.handled.length >= 1 ? true : undefined,
    );
    expect(restartedHandler.ids()).toEqual([later.id]);
    await restarted.stop();
  });

  it('holds a message until it is due (dueAt) without holding up other partitions', async () => {
    // Two jobs whose keys land on different partitions.
    const slowJob = randomUUID();
    let fastJob = randomUUID();
    while (partitionFor(T.delayed, fastJob) === partitionFor(T.delayed, slowJob)) fastJob = randomUUID();

    const slowRequest = jobRequested({ jobId: slowJob });
    const notBefore = new Date(Date.now() + 6000).toISOString();
    const delayed = stageRetryScheduled(slowRequest, slowRequest, 2);
    (delayed.data as { notBefore: string }).notBefore = notBefore;
    const afterDelayed = stageStarted(delayed, 2); // same job, same partition, behind the delayed one
    const fastRequest = jobRequested({ jobId: fastJob });
    await runtime.publisher.publish([
      { topic: T.delayed, event: delayed },
      { topic: T.delayed, event: afterDelayed },
      { topic: T.delayed, event: fastRequest },
    ]);

    const handler = new RecordingHandler();
    const consumer = await startConsumer(T.delayed, handler, (event) => StageWorker.dueAt(event));

    await eventually('the other partition’s event handled', () =>
      handler.ids().includes(fastRequest.id) ? true : undefined,
    );
    // It did not wait for the delayed message of the other partition.
    expect(handler.ids()).not.toContain(delayed.id);
    await eventually('the delayed event handled', () =>
      handler.ids().includes(afterDelayed.id) ? true : undefined,
    );
    const slow = handler.handled.filter((h) => h.event.jobId === slowJob);
    expect(slow.map((h) => h.event.id)).toEqual([delayed.id, afterDelayed.id]);
    // Not before it was due, and each handled exactly once.
    expect(slow[0].at).toBeGreaterThanOrEqual(Date.parse(notBefore));
    expect(handler.ids().filter((id) => id === fastRequest.id)).toHaveLength(1);
    await consumer.stop();
  });
});
