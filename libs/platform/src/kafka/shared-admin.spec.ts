import type { Admin, Kafka } from 'kafkajs';
import { SharedAdmin } from './shared-admin';

/** Admin clients that count connects and disconnects; the first `failingConnects` connects fail. */
function fakeKafka(failingConnects = 0): { kafka: Kafka; made: { connected: boolean }[] } {
  const made: { connected: boolean }[] = [];
  let failuresLeft = failingConnects;
  const kafka = {
    admin: () => {
      const state = { connected: false };
      made.push(state);
      return {
        connect: () => {
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            return Promise.reject(new Error('broker down'));
          }
          state.connected = true;
          return Promise.resolve();
        },
        disconnect: () => {
          state.connected = false;
          return Promise.resolve();
        },
      } as unknown as Admin;
    },
  } as unknown as Kafka;
  return { kafka, made };
}

describe('SharedAdmin', () => {
  it('connects once for every user, also when their calls overlap', async () => {
    const { kafka, made } = fakeKafka();
    const shared = new SharedAdmin(kafka);
    const [first, second] = await Promise.all([shared.connected(), shared.connected()]);
    expect(first).toBe(second);
    expect(await shared.connected()).toBe(first);
    expect(made).toEqual([{ connected: true }]);
  });

  it('connects again after a failed connect', async () => {
    const { kafka, made } = fakeKafka(1);
    const shared = new SharedAdmin(kafka);
    await expect(shared.connected()).rejects.toThrow('broker down');
    await shared.connected();
    expect(made).toEqual([{ connected: false }, { connected: true }]);
  });

  it('drops a discarded connection and connects afresh, but ignores a stale discard', async () => {
    const { kafka, made } = fakeKafka();
    const shared = new SharedAdmin(kafka);
    const broken = shared.connected();
    await shared.discard(broken);
    const fresh = shared.connected();
    expect(await fresh).not.toBe(await broken);
    await shared.discard(broken);
    expect(shared.connected()).toBe(fresh);
    expect(made).toEqual([{ connected: false }, { connected: true }]);
  });

  it('disconnects on close', async () => {
    const { kafka, made } = fakeKafka();
    const shared = new SharedAdmin(kafka);
    await shared.connected();
    await shared.close();
    expect(made).toEqual([{ connected: false }]);
  });
});
