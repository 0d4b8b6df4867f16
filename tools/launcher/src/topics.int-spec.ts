import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { prepareKafka } from './topics';

/**
 * prepareKafka against the harness's broker: once it returns, every partition of every topic takes a
 * write at once. A producer that does not retry shows it: just after topics are created the metadata
 * can name a leader that has not taken the partition up yet (NOT_LEADER_OR_FOLLOWER), which answered a
 * ready gateway's first `POST /jobs` with 503.
 */
describe('prepareKafka', () => {
  it('returns only when every partition of every topic takes a write', async () => {
    const prefix = `prepare-${randomBytes(4).toString('hex')}.`;
    const brokers = process.env.KAFKA_BROKERS as string;
    const topics = await prepareKafka({ ...process.env, KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix });

    const kafka = new Kafka({
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      const admin = kafka.admin();
      await admin.connect();
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((topic) => prefix + topic) });
      await admin.disconnect();
      const answers = await producer.sendBatch({
        acks: -1,
        topicMessages: metadata.topics.map(({ name, partitions }) => ({
          topic: name,
          messages: partitions.map(({ partitionId }) => ({ partition: partitionId, value: 'probe' })),
        })),
      });
      const partitions = metadata.topics.reduce((sum, topic) => sum + topic.partitions.length, 0);
      expect(partitions).toBeGreaterThan(topics.length);
      expect(answers.filter((answer) => answer.errorCode === 0)).toHaveLength(partitions);
    } finally {
      await producer.disconnect();
    }
  }, 120_000);
});
