import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type {
  ICustomPartitioner,
  Kafka,
  Message,
  PartitionMetadata,
  Producer,
  ProducerConfig,
  RecordMetadata,
  TopicMessages,
} from 'kafkajs';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { jobRequested, stageStarted } from '@app/contracts/testing';
import type { KafkaConfig } from '../config/common-config';
import { EventPublisher } from './event-publisher';

/** A producer that records its sends and fails the ones it is told to. */
class FakeProducer {
  connected = false;
  readonly sent: string[] = [];
  readonly headers: Record<string, string>[] = [];
  failNext = false;

  async connect(): Promise<void> {
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  async sendBatch(request: {
    topicMessages: { messages: { value: unknown; headers?: Record<string, string> }[] }[];
  }): Promise<void> {
    if (!this.connected) throw new Error('not connected');
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Connection closed');
    }
    for (const topic of request.topicMessages)
      for (const m of topic.messages) {
        this.sent.push(String(m.value));
        this.headers.push(m.headers ?? {});
      }
  }
}

/**
 * A producer that sends the way KafkaJS 2.2.4 does (`producer/sendMessages.js`) over three brokers:
 * a send's messages go to their partitions' leaders, one request per broker; when a broker refuses
 * its part (not the leader: the client's metadata was stale), the send is tried again with fresh
 * leaders, but only brokers that have not answered yet are sent anything. Node 1 led partitions 0 and
 * 3 before a failover and no longer does (node 2 does); the client learns it at its first send.
 */
class MovedLeaderProducer {
  static readonly PARTITIONS = 6;
  /** What the brokers appended, per partition, in order. */
  readonly log = new Map<number, string[]>();
  private knowsLeaders = false;
  private readonly partitionOf: ReturnType<ICustomPartitioner>;

  constructor(createPartitioner: ICustomPartitioner) {
    this.partitionOf = createPartitioner();
  }

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}

  async sendBatch({ topicMessages }: { topicMessages: TopicMessages[] }): Promise<RecordMetadata[]> {
    const metadata = (leaderOf: (partition: number) => number): PartitionMetadata[] =>
      Array.from({ length: MovedLeaderProducer.PARTITIONS }, (_, partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: leaderOf(partitionId),
        replicas: [1, 2, 3],
        isr: [1, 2, 3],
      }));
    const answers = new Map<number, RecordMetadata[]>();
    for (;;) {
      const stale = !this.knowsLeaders;
      const partitionMetadata = metadata((p) => (p % 3 === 0 ? (stale ? 1 : 2) : (p % 3) + 1));
      const requests = new Map<number, Map<number, Message[]>>();
      for (const { topic, messages } of topicMessages) {
        for (const message of messages) {
          const partition = this.partitionOf({ topic, partitionMetadata, message });
          const leader = partitionMetadata[partition].leader;
          const request = requests.get(leader) ?? new Map<number, Message[]>();
          request.set(partition, [...(request.get(partition) ?? []), message]);
          requests.set(leader, request);
        }
      }
      let refused = false;
      for (const [broker, partitions] of requests) {
        if (answers.has(broker)) continue;
        if (stale && broker === 1) {
          refused = true;
          continue;
        }
        for (const [partition, messages] of partitions) {
          this.log.set(partition, [
            ...(this.log.get(partition) ?? []),
            ...messages.map((m) => String(m.value)),
          ]);
        }
        answers.set(
          broker,
          [...partitions.keys()].map((partition) => ({
            topicName: topicMessages[0].topic,
            partition,
            errorCode: 0,
          })),
        );
      }
      if (!refused) return [...answers.values()].flat();
      this.knowsLeaders = true;
    }
  }
}

const config: KafkaConfig = {
  brokers: ['127.0.0.1:9'],
  clientId: 'spec',
  partitions: 1,
  replicationFactor: 1,
  sendTimeoutMs: 1000,
  topicPrefix: '',
};

describe('EventPublisher', () => {
  it('sends through a new producer (new producer id) after a failed send', async () => {
    const producers: FakeProducer[] = [];
    const kafka = {
      producer: () => {
        const producer = new FakeProducer();
        producers.push(producer);
        return producer as unknown as Producer;
      },
    } as unknown as Kafka;
    const publisher = new EventPublisher(kafka, config, pino({ level: 'silent' }));
    await publisher.connect();
    const message = (value: string) => [{ topic: 't', key: 'k', value }];

    await publisher.publishRaw(message('first'));
    producers[0].failNext = true;
    await expect(publisher.publishRaw(message('lost?'))).rejects.toThrow('did not acknowledge');
    await publisher.publishRaw(message('after'));
    await publisher.publishRaw(message('later'));

    expect(producers).toHaveLength(2);
    expect(producers[0]).toMatchObject({ connected: false, sent: ['first'] });
    expect(producers[1]).toMatchObject({ connected: true, sent: ['after', 'later'] });
  });

  it("makes one producer span per job and call, whose context each of the job's messages carries", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const producer = new FakeProducer();
      const kafka = { producer: () => producer as unknown as Producer } as unknown as Kafka;
      const publisher = new EventPublisher(kafka, config, pino({ level: 'silent' }));
      await publisher.connect();
      const a = jobRequested({ jobId: randomUUID() });
      const b = jobRequested({ jobId: randomUUID() });
      await publisher.publish([
        { topic: 'scrape.events', event: stageStarted(a) },
        { topic: 'scrape.events', event: { ...stageStarted(a), id: randomUUID() } },
        { topic: 'jobs.requested', event: b },
      ]);

      const spans = exporter.getFinishedSpans();
      expect(
        spans.map((span) => [
          span.name,
          span.attributes['job.id'],
          span.attributes['messaging.batch.message_count'],
        ]),
      ).toEqual([
        ['publish scrape.events', a.jobId, 2],
        ['publish jobs.requested', b.jobId, 1],
      ]);
      const spanIdIn = (headers: Record<string, string>): string | undefined =>
        headers.traceparent?.split('-')[2];
      expect(producer.headers.map(spanIdIn)).toEqual([
        spans[0].spanContext().spanId,
        spans[0].spanContext().spanId,
        spans[1].spanContext().spanId,
      ]);
    } finally {
      trace.disable();
      propagation.disable();
      await provider.shutdown();
    }
  });

  it('sends again what KafkaJS dropped when a partition it thought node 1 led had moved to a broker that had answered', async () => {
    let producer: MovedLeaderProducer | undefined;
    const kafka = {
      producer: (options: ProducerConfig) => {
        producer = new MovedLeaderProducer(options.createPartitioner!);
        return producer as unknown as Producer;
      },
    } as unknown as Kafka;
    const publisher = new EventPublisher(kafka, config, pino({ level: 'silent' }));
    await publisher.connect();
    // Two messages per job, enough jobs that every partition (and so every broker) gets some.
    const jobs = Array.from({ length: 30 }, (_, i) => `job-${i}`);
    const messages = jobs.flatMap((key) => [
      { topic: 'events', key, value: `${key}:started` },
      { topic: 'events', key, value: `${key}:completed` },
    ]);

    await publisher.publishRaw(messages);

    const log = producer!.log;
    expect([...log.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Every message written once, each job's two in order on its partition.
    const written = [...log.values()].flat();
    expect(written.sort()).toEqual(messages.map((m) => m.value).sort());
    for (const values of log.values()) {
      for (const key of jobs) {
        const mine = values.filter((value) => value.startsWith(`${key}:`));
        if (mine.length > 0) expect(mine).toEqual([`${key}:started`, `${key}:completed`]);
      }
    }
  });
});
