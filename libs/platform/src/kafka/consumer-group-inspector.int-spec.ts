import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { jobRequested } from '@app/contracts/testing';
import { newControlGroupId } from '../stage/control-group';
import type { ConsumedEvent, EventBatchHandler } from './event-consumer';
import { KafkaRuntime } from './kafka-runtime';
import { harnessKafkaConfig } from '@app/test-support/harness-env';
import { eventually } from '@app/test-support/wait';

/** ConsumerGroupInspector against the harness's broker, under a random prefix of its own. */

const PARTITIONS = 4;
const prefix = `inspector-${randomBytes(4).toString('hex')}.`;
const config = harnessKafkaConfig('inspector-int-spec', PARTITIONS, prefix);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const TOPIC = 'inspected.requests';

class Counting implements EventBatchHandler {
  seen = 0;
  handleBatch(events: ConsumedEvent[]): Promise<void> {
    this.seen += events.length;
    return Promise.resolve();
  }
}

describe('ConsumerGroupInspector', () => {
  let runtime: KafkaRuntime;

  beforeAll(async () => {
    runtime = new KafkaRuntime(config, logger);
    await runtime.connect([TOPIC]);
    await runtime.publisher.publish(
      Array.from({ length: 10 }, () => ({ topic: TOPIC, event: jobRequested({ jobId: randomUUID() }) })),
    );
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('shows members with their partitions, committed and end offsets, and lag; hides control groups', async () => {
    const handlers = [new Counting(), new Counting()];
    for (const [index, groupId] of ['workers', newControlGroupId('workers')].entries()) {
      await runtime
        .consumer({
          groupId,
          topics: [TOPIC],
          fromBeginning: true,
          handler: handlers[index],
          sessionTimeoutMs: 10_000,
        })
        .start();
    }
    await eventually('both groups to consume every message', () =>
      handlers.every((handler) => handler.seen === 10) ? true : undefined,
    );
    const inspector = runtime.consumerGroups;
    expect(await inspector.groupIds()).toEqual(['workers']);
    expect(await inspector.groupIds({ includeControlGroups: true })).toHaveLength(2);

    const [view] = await eventually('the group to be stable with its offsets committed', async () => {
      const views = await inspector.describe(['workers']);
      return views[0]?.state === 'Stable' && views[0].totalLag === 0 ? views : undefined;
    });
    expect(view.groupId).toBe('workers');
    expect(view.members).toHaveLength(1);
    expect(view.members[0].clientId).toBe('inspector-int-spec');
    expect(view.members[0].assignments).toEqual([{ topic: TOPIC, partitions: [0, 1, 2, 3] }]);
    expect(view.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    // Random job ids may leave a partition empty: its consumer has nothing to commit there.
    for (const p of view.partitions) {
      expect([p.topic, p.partition, p.lag]).toEqual([TOPIC, p.partition, 0]);
      expect([p.partition, p.committedOffset]).toEqual([
        p.partition,
        p.endOffset === '0' ? null : p.endOffset,
      ]);
    }
    expect(view.partitions.reduce((sum, p) => sum + Number(p.endOffset), 0)).toBe(10);
  });

  it('reports a group that never consumed as owing everything on its input topics', async () => {
    const progress = await runtime.consumerGroups.progress([
      { groupId: 'workers', inputTopics: [TOPIC] },
      { groupId: 'not-started', inputTopics: [TOPIC] },
    ]);
    expect(progress).toEqual([
      { groupId: 'workers', lag: 0, consumed: 10 },
      { groupId: 'not-started', lag: 10, consumed: 0 },
    ]);
  });
});
