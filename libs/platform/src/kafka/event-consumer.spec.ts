import { randomUUID } from 'node:crypto';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import pino from 'pino';
import { encodeEvent } from '@app/contracts';
import { jobRequested } from '@app/contracts/testing';
import type { EventPublisher } from './event-publisher';
import { EventConsumer, type EventBatchHandler } from './event-consumer';

/** A KafkaJS stand-in that hands the consumer's eachBatch to the test and records the consumer config. */
function fakeKafka() {
  const captured: {
    config?: Record<string, unknown>;
    eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  } = {};
  const consumer = {
    events: { CRASH: 'crash' },
    on: jest.fn(),
    connect: jest.fn(() => Promise.resolve()),
    subscribe: jest.fn(() => Promise.resolve()),
    run: jest.fn((options: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      captured.eachBatch = options.eachBatch;
      return Promise.resolve();
    }),
    disconnect: jest.fn(() => Promise.resolve()),
  };
  const kafka = {
    consumer: (config: Record<string, unknown>) => {
      captured.config = config;
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, captured };
}

function batchPayload(heartbeat: jest.Mock): EachBatchPayload {
  const event = jobRequested({ jobId: randomUUID() });
  return {
    batch: {
      topic: 'jobs.requested',
      partition: 0,
      messages: [{ offset: '0', key: Buffer.from(event.jobId), value: encodeEvent(event), headers: {} }],
    },
    heartbeat,
    resolveOffset: jest.fn(),
    commitOffsetsIfNecessary: jest.fn(() => Promise.resolve()),
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

describe('EventConsumer', () => {
  const logger = pino({ level: 'silent' });

  it('keeps heartbeating while a long batch runs, and stops when it is done', async () => {
    // Offset commits are group-committed on the next setImmediate: that one stays real.
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const { kafka, captured } = fakeKafka();
      let finish: () => void = () => undefined;
      const handler: EventBatchHandler = {
        handleBatch: () => new Promise<void>((resolve) => (finish = resolve)),
      };
      const consumer = new EventConsumer(
        kafka,
        {
          groupId: 'g',
          topics: ['jobs.requested'],
          fromBeginning: true,
          handler,
          deadLetters: {} as EventPublisher,
          sessionTimeoutMs: 30_000,
        },
        logger,
      );
      await consumer.start();
      const heartbeat = jest.fn(() => Promise.resolve());
      const done = captured.eachBatch!(batchPayload(heartbeat));
      // Two minutes of work (an OCR batch) is four session timeouts.
      await jest.advanceTimersByTimeAsync(120_000);
      expect(heartbeat.mock.calls.length).toBeGreaterThanOrEqual(39);
      finish();
      await done;
      const calls = heartbeat.mock.calls.length;
      await jest.advanceTimersByTimeAsync(30_000);
      expect(heartbeat.mock.calls.length).toBe(calls);
    } finally {
      jest.useRealTimers();
    }
  });

  it('sizes the heartbeat to the session timeout and lets a rebalance wait for the longest batch', () => {
    const { kafka, captured } = fakeKafka();
    new EventConsumer(
      kafka,
      {
        groupId: 'g',
        topics: ['t'],
        fromBeginning: true,
        handler: { handleBatch: () => Promise.resolve() },
        deadLetters: {} as EventPublisher,
        sessionTimeoutMs: 6000,
        rebalanceTimeoutMs: 130_000,
      },
      logger,
    );
    expect(captured.config).toMatchObject({
      sessionTimeout: 6000,
      heartbeatInterval: 2000,
      rebalanceTimeout: 130_000,
    });
  });
});
