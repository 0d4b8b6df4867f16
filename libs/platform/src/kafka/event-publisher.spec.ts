import pino from 'pino';
import type { Kafka, Producer } from 'kafkajs';
import type { KafkaConfig } from '../config/common-config';
import { EventPublisher } from './event-publisher';

/** A producer that records its sends and fails the ones it is told to. */
class FakeProducer {
  connected = false;
  readonly sent: string[] = [];
  failNext = false;

  async connect(): Promise<void> {
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  async sendBatch(request: { topicMessages: { messages: { value: unknown }[] }[] }): Promise<void> {
    if (!this.connected) throw new Error('not connected');
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Connection closed');
    }
    for (const topic of request.topicMessages)
      for (const m of topic.messages) this.sent.push(String(m.value));
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
});
