import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Kafka, Producer } from 'kafkajs';
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
});
