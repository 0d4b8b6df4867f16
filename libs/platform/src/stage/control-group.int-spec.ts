import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { jobRequested } from '@app/contracts/testing';
import type { ConsumedEvent, EventBatchHandler } from '../kafka/event-consumer';
import { KafkaRuntime } from '../kafka/kafka-runtime';
import { newControlGroupId } from './control-group';
import { harnessKafkaConfig } from '@app/test-support/harness-env';
import { eventually } from '@app/test-support/wait';

/** Throwaway control groups must not pile up in Kafka, one per process start. */

const prefix = `control-group-${randomBytes(4).toString('hex')}.`;
const config = harnessKafkaConfig('control-group-int-spec', 2, prefix);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const TOPIC = 'control.requests';

class Counting implements EventBatchHandler {
  seen = 0;
  handleBatch(events: ConsumedEvent[]): Promise<void> {
    this.seen += events.length;
    return Promise.resolve();
  }
}

describe('a consumer that does not commit offsets (throwaway control groups)', () => {
  let runtime: KafkaRuntime;

  beforeAll(async () => {
    runtime = new KafkaRuntime(config, logger);
    await runtime.connect([TOPIC]);
    await runtime.publisher.publish(
      Array.from({ length: 6 }, () => ({ topic: TOPIC, event: jobRequested({ jobId: randomUUID() }) })),
    );
  });

  afterAll(async () => {
    await runtime?.close();
  });

  jest.setTimeout(150_000);

  it('reads everything, and its group is gone from Kafka once the consumer left; a committing one stays', async () => {
    const throwaway = newControlGroupId('stage');
    const kept = 'stage.kept';
    const handlers = { [throwaway]: new Counting(), [kept]: new Counting() };
    const consumers = [throwaway, kept].map((groupId) =>
      runtime.consumer({
        groupId,
        topics: [TOPIC],
        fromBeginning: true,
        commitOffsets: groupId === kept,
        handler: handlers[groupId],
        sessionTimeoutMs: 6_000,
      }),
    );
    for (const consumer of consumers) await consumer.start();
    await eventually('both consumers to read every message', () =>
      Object.values(handlers).every((handler) => handler.seen === 6) ? true : undefined,
    );
    const groups = (): Promise<string[]> => runtime.consumerGroups.groupIds({ includeControlGroups: true });
    expect(await groups()).toEqual(expect.arrayContaining([throwaway, kept]));

    for (const consumer of consumers) await consumer.stop();
    // Kafka deletes empty groups without offsets in its periodic scan (every 30 s on the test broker).
    await eventually(
      'the throwaway group to be deleted',
      async () => ((await groups()).includes(throwaway) ? undefined : true),
      90_000,
    );
    expect(await groups()).toContain(kept);
  });
});
