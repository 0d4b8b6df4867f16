import { randomBytes, randomUUID } from 'node:crypto';
import type { Admin, Consumer, KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { Topics, type JobEvent } from '@app/contracts';
import { jobRequested, stageStarted } from '@app/contracts/testing';
import type { KafkaConfig } from '../config/common-config';
import { PrioritySlots } from '../stage/priority-slots';
import { admitByPriority } from '../stage/slot-admission';
import type { ContinuousIntake, IntakeHandler } from './continuous-intake';
import type { BatchContext, ConsumedEvent } from './event-consumer';
import { KafkaRuntime } from './kafka-runtime';
import { requiredEnv } from '@app/test-support/harness-env';
import { eventually } from '@app/test-support/wait';

/**
 * ContinuousIntake through the real broker the harness started. One partition per topic, so every
 * record of a test shares one partition; each test has its own topic and group under a random prefix.
 * The tests look at the order in which work starts and finishes and at committed offsets, never at
 * elapsed time.
 */

const prefix = `intake-${randomBytes(4).toString('hex')}.`;
const config: KafkaConfig = {
  brokers: requiredEnv('KAFKA_BROKERS').split(','),
  clientId: 'continuous-intake-int-spec',
  partitions: 1,
  replicationFactor: 1,
  sendTimeoutMs: 15_000,
  topicPrefix: prefix,
};
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const T = {
  overtaking: 'intake.overtaking',
  crash: 'intake.crash',
  failure: 'intake.failure',
  passOver: 'intake.pass-over',
  gather: 'intake.gather',
} as const;

let runtime: KafkaRuntime;
let admin: Admin;
const readers: Consumer[] = [];

/** Every message of a topic from its start, as it arrives. */
async function readTopic(topic: string): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const reader = runtime.kafka.consumer({
    groupId: `${prefix}reader-${randomUUID().slice(0, 8)}`,
    maxWaitTimeInMs: 100,
  });
  readers.push(reader);
  await reader.connect();
  await reader.subscribe({ topic: prefix + topic, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
    },
  });
  return messages;
}
const gates: (() => void)[] = [];

/** A gate that work can wait on until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  gates.push(open);
  return { wait, open };
}

/** Records when each event's work starts and finishes; holds or fails work as told. */
class ScriptedHandler implements IntakeHandler {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  /** Work of these event ids waits for its gate. */
  readonly holds = new Map<string, Promise<void>>();
  /** Work of these event ids fails this many times more. */
  readonly failures = new Map<string, number>();
  private readonly slots = new PrioritySlots(8);

  wants(): boolean {
    return true;
  }

  admission(batch: BatchContext): ReturnType<typeof admitByPriority> {
    return admitByPriority(this.slots, batch);
  }

  async process({ event }: ConsumedEvent): Promise<void> {
    this.started.push(event.id);
    await this.holds.get(event.id);
    const failuresLeft = this.failures.get(event.id) ?? 0;
    if (failuresLeft > 0) {
      this.failures.set(event.id, failuresLeft - 1);
      throw new Error('output not acknowledged (scripted)');
    }
    this.finished.push(event.id);
  }
}

async function publish(topic: string, events: JobEvent[]): Promise<void> {
  // One at a time: their offsets are their order in `events`.
  for (const event of events) await runtime.publisher.publish([{ topic, event }]);
}

async function startIntake(
  topic: string,
  groupId: string,
  handler: IntakeHandler,
  gatherMs = 0,
): Promise<ContinuousIntake> {
  const intake = runtime.intake({
    groupId,
    topics: [topic],
    fromBeginning: true,
    handler,
    sessionTimeoutMs: 10_000,
    drainTimeoutMs: 200,
    gatherMs,
  });
  await intake.start();
  return intake;
}

/** The group's committed offset of the topic's only partition (null: nothing committed). */
async function committed(groupId: string, topic: string): Promise<string | null> {
  const offsets = await admin.fetchOffsets({ groupId: prefix + groupId, topics: [prefix + topic] });
  const offset = offsets[0]?.partitions.find((p) => p.partition === 0)?.offset;
  return offset === undefined || offset === '-1' ? null : offset;
}

function jobEvents(count: number): JobEvent[] {
  return Array.from({ length: count }, () => jobRequested({ jobId: randomUUID() }));
}

beforeAll(async () => {
  runtime = new KafkaRuntime(config, logger);
  await runtime.connect([Topics.DeadLetter, ...Object.values(T)]);
  admin = runtime.kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  for (const open of gates) open();
  for (const reader of readers) await reader.disconnect();
  await admin?.disconnect();
  await runtime?.close();
});

describe('ContinuousIntake (real Kafka)', () => {
  it('after a small fetch waits gatherMs before fetching again, so records sent meanwhile come in one batch', async () => {
    // Each batch the intake reads asks the handler for its admission once: count them.
    const batchSizes: number[] = [];
    const handler = new (class extends ScriptedHandler {
      override admission(batch: BatchContext): ReturnType<typeof admitByPriority> {
        batchSizes.push(0);
        const admit = super.admission(batch);
        return (event) => {
          batchSizes[batchSizes.length - 1] += 1;
          return admit(event);
        };
      }
    })();
    const intake = await startIntake(T.gather, 'intake-gather', handler, 3_000);
    const [first, ...rest] = jobEvents(6);
    await publish(T.gather, [first]);
    await eventually('the first record started', () =>
      handler.started.includes(first.id) ? true : undefined,
    );
    // Five sends, one request each, while the intake waits before its next fetch.
    await publish(T.gather, rest);
    await eventually('every record done', () => (handler.finished.length === 6 ? true : undefined));
    expect(batchSizes).toEqual([1, 5]);
    await intake.stop();
  });

  it('passes over, undecoded, what the handler tells from the headers is not its work', async () => {
    const handler = new (class extends ScriptedHandler {
      passesOver(header: (name: string) => string | undefined): boolean {
        return header('job-type') === 'risk';
      }
    })();
    const ours = jobRequested({ jobId: randomUUID() });
    // Bytes no decoder accepts: dead-lettered when read, so passed over only if never decoded.
    const garbage = (jobType?: string) => ({
      topic: T.passOver,
      key: randomUUID(),
      value: Buffer.from('not an event'),
      headers: { 'event-type': 'JobRequested', ...(jobType ? { 'job-type': jobType } : {}) },
    });
    const foreign = garbage('risk');
    const unmarked = garbage();
    await runtime.publisher.publishRaw([foreign]);
    await runtime.publisher.publishRaw([unmarked]);
    await publish(T.passOver, [ours]);
    const dead = await readTopic(Topics.DeadLetter);
    const intake = await startIntake(T.passOver, 'intake-pass-over', handler);
    await eventually('the request handled', () => (handler.finished.includes(ours.id) ? true : undefined));
    await eventually('every record committed', async () =>
      (await committed('intake-pass-over', T.passOver)) === '3' ? true : undefined,
    );
    await eventually('the unmarked garbage dead-lettered', () =>
      dead.some((m) => m.key?.toString() === unmarked.key) ? true : undefined,
    );
    expect(dead.some((m) => m.key?.toString() === foreign.key)).toBe(false);
    await intake.stop();
  });

  it('lets later jobs of a partition finish past a slow one, keeps a job in order, and commits only the done prefix', async () => {
    const groupId = `overtaking-${randomUUID().slice(0, 8)}`;
    const [a1, b, c, d] = jobEvents(4);
    const a2 = stageStarted(a1 as Parameters<typeof stageStarted>[0]);
    // Offsets 0..4: A1 (slow), B, C, A2 (same job as A1), D.
    await publish(T.overtaking, [a1, b, c, a2, d]);
    const handler = new ScriptedHandler();
    const slow = gate();
    handler.holds.set(a1.id, slow.wait);
    await startIntake(T.overtaking, groupId, handler);

    await eventually('B, C and D to finish while A1 is held', () =>
      [b, c, d].every((e) => handler.finished.includes(e.id)) ? true : undefined,
    );
    // A1's job waits: its second event has not started.
    expect(handler.started).not.toContain(a2.id);
    // The done prefix ends at A1 (offset 0), whatever finished after it.
    await eventually('the done prefix (offset 0) to be committed', async () =>
      (await committed(groupId, T.overtaking)) === '0' ? true : undefined,
    );

    slow.open();
    await eventually('every offset to be committed', async () =>
      (await committed(groupId, T.overtaking)) === '5' ? true : undefined,
    );
    // B, C and D (in any order) before A1, A1 before A2; each once.
    expect([...handler.finished.slice(0, 3)].sort()).toEqual([b.id, c.id, d.id].sort());
    expect(handler.finished.slice(3)).toEqual([a1.id, a2.id]);
  });

  it('after a stop with unfinished work (a crash), commits nothing past it and delivers it again', async () => {
    const groupId = `crash-${randomUUID().slice(0, 8)}`;
    const [e0, e1, e2, e3] = jobEvents(4);
    await publish(T.crash, [e0, e1, e2, e3]);
    const first = new ScriptedHandler();
    // e1 never finishes in the first process; e0, e2 and e3 do.
    first.holds.set(e1.id, gate().wait);
    const intake = await startIntake(T.crash, groupId, first);
    await eventually('e0, e2 and e3 to finish', () =>
      [e0, e2, e3].every((e) => first.finished.includes(e.id)) ? true : undefined,
    );
    await intake.stop();
    expect(await committed(groupId, T.crash)).toBe('1');

    const second = new ScriptedHandler();
    await startIntake(T.crash, groupId, second);
    await eventually('every offset to be committed after the restart', async () =>
      (await committed(groupId, T.crash)) === '4' ? true : undefined,
    );
    // From the first unfinished record on, everything is delivered again; nothing before it.
    expect([...second.finished].sort()).toEqual([e1.id, e2.id, e3.id].sort());
  });

  it('reads a partition again from a record whose work failed, never committing past it before it succeeds', async () => {
    const groupId = `failure-${randomUUID().slice(0, 8)}`;
    const [f0, f1, f2] = jobEvents(3);
    await publish(T.failure, [f0, f1, f2]);
    const handler = new ScriptedHandler();
    const failing = gate();
    handler.holds.set(f1.id, failing.wait);
    handler.failures.set(f1.id, 1);
    await startIntake(T.failure, groupId, handler);
    await eventually('f0 and f2 to finish', () =>
      [f0, f2].every((e) => handler.finished.includes(e.id)) ? true : undefined,
    );
    await eventually('the done prefix before f1 to be committed', async () =>
      (await committed(groupId, T.failure)) === '1' ? true : undefined,
    );
    failing.open();
    await eventually('every offset to be committed', async () =>
      (await committed(groupId, T.failure)) === '3' ? true : undefined,
    );
    // f1 ran twice (failed, then read again); f2, after it, ran again too.
    expect(handler.started.filter((id) => id === f1.id)).toHaveLength(2);
    expect(handler.finished.filter((id) => id === f1.id)).toHaveLength(1);
    expect(handler.finished.filter((id) => id === f2.id)).toHaveLength(2);
    expect(handler.finished.filter((id) => id === f0.id)).toHaveLength(1);
  });
});
