import { installKafkaIdleTimerFix, kafkaRequestQueueClass } from './kafkajs-idle-timer-fix';

/** KafkaJS's own RequestQueue, driven without a socket: requests are "sent" by noting their id. */
interface DrivenQueue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  push(request: { entry: Record<string, unknown>; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function requestQueue(maxInFlightRequests: number): { queue: DrivenQueue; sent: number[] } {
  const RequestQueue = kafkaRequestQueueClass() as unknown as new (options: object) => DrivenQueue;
  const queue = new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:9092',
    logger: silentLogger,
  });
  return { queue, sent: [] };
}

function push(driven: { queue: DrivenQueue; sent: number[] }, correlationId: number): void {
  driven.queue.push({
    entry: {
      correlationId,
      apiName: 'Fetch',
      apiKey: 1,
      apiVersion: 11,
      resolve: () => {},
      reject: () => {},
    },
    expectResponse: true,
    sendRequest: () => driven.sent.push(correlationId),
  });
}

const respond = (queue: DrivenQueue, correlationId: number): void =>
  queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });

describe('the KafkaJS idle-timer fix', () => {
  beforeAll(() => expect(installKafkaIdleTimerFix()).toBe(true));
  afterEach(() => jest.useRealTimers());

  it('knows the installed KafkaJS request queue (an upgrade that moves it fails here)', () => {
    expect(kafkaRequestQueueClass()).not.toBeNull();
    expect(installKafkaIdleTimerFix()).toBe(true); // a second install is a no-op
  });

  it('leaves no timer behind once a response arrives and nothing waits (KafkaJS 2.2.4 left a 1 ms loop)', () => {
    const driven = requestQueue(1);
    push(driven, 1);
    expect(driven.sent).toEqual([1]);
    respond(driven.queue, 1);
    expect(driven.queue.throttleCheckTimeoutId).toBeNull();
    driven.queue.destroy();
  });

  it('still sends a request that waited for an in-flight slot as soon as the slot frees', () => {
    jest.useFakeTimers();
    const driven = requestQueue(1);
    push(driven, 1);
    push(driven, 2);
    expect(driven.sent).toEqual([1]);
    respond(driven.queue, 1);
    expect(driven.sent).toEqual([1, 2]);
    respond(driven.queue, 2);
    // The one check queued with request 2 runs once, finds nothing pending and schedules no other.
    jest.advanceTimersByTime(10);
    expect(driven.queue.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
    driven.queue.destroy();
  });

  it('sends a request held by a client-side throttle when the throttle ends, then stops its timer', () => {
    jest.useFakeTimers();
    const driven = requestQueue(5);
    driven.queue.maybeThrottle(50);
    push(driven, 1);
    expect(driven.sent).toEqual([]);
    expect(driven.queue.pending).toHaveLength(1);
    jest.advanceTimersByTime(49);
    expect(driven.sent).toEqual([]);
    jest.advanceTimersByTime(2);
    expect(driven.sent).toEqual([1]);
    expect(driven.queue.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
    driven.queue.destroy();
  });
});
