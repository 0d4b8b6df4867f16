import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../logging/logger';

/** Heartbeats often enough that a few missed ones never cost the group membership. */
export function heartbeatIntervalFor(sessionTimeoutMs: number): number {
  return Math.min(3000, Math.floor(sessionTimeoutMs / 3));
}

/**
 * How a consumer's fetches wait for data. The broker answers a fetch once `minBytes` are there or
 * `maxWaitMs` passed. Each fetch names every assigned partition (the projector: 84), so at a moderate
 * rate a fetch per message or two costs the broker and the client far more than the messages; a
 * consumer that does not hurry can ask the broker to gather some first.
 */
export interface FetchPacing {
  minBytes: number;
  maxWaitMs: number;
}

/** Return as soon as anything arrives; an idle consumer asks once a second. */
export const PROMPT_FETCH: FetchPacing = { minBytes: 1, maxWaitMs: 1000 };

/** A consumer for manual-commit batch processing, with the platform's timeouts and retries. */
export function createBatchConsumer(
  kafka: Kafka,
  groupId: string,
  timing: { sessionTimeoutMs?: number; rebalanceTimeoutMs?: number; fetch?: FetchPacing } = {},
): Consumer {
  const fetch = timing.fetch ?? PROMPT_FETCH;
  const sessionTimeout = timing.sessionTimeoutMs ?? 30000;
  return kafka.consumer({
    groupId,
    sessionTimeout,
    rebalanceTimeout: Math.max(timing.rebalanceTimeoutMs ?? 60000, sessionTimeout),
    heartbeatInterval: heartbeatIntervalFor(sessionTimeout),
    allowAutoTopicCreation: false,
    // With minBytes 1 a fetch returns as soon as any partition has data, so maxWait only bounds how often
    // an idle consumer asks: at 100 ms, the idle consumer groups of a full `npm start` (risk, documents,
    // control topics) kept the broker and themselves busy with ~10 empty fetches a second each.
    minBytes: fetch.minBytes,
    maxWaitTimeInMs: fetch.maxWaitMs,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 10 },
  });
}

/**
 * Connects, subscribes to `topics` (with `topicPrefix`) and runs `eachBatch` with manual offsets (no
 * auto-commit, no auto-resolve); `beforeRun` marks the caller running just before the first fetch.
 */
export async function runBatches(
  consumer: Consumer,
  subscription: {
    topics: string[];
    topicPrefix?: string;
    fromBeginning?: boolean;
    partitionsConsumedConcurrently?: number;
  },
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
  beforeRun: () => void,
): Promise<void> {
  await consumer.connect();
  const prefix = subscription.topicPrefix ?? '';
  await consumer.subscribe({
    topics: subscription.topics.map((topic) => prefix + topic),
    fromBeginning: subscription.fromBeginning,
  });
  beforeRun();
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: subscription.partitionsConsumedConcurrently ?? 1,
    eachBatch,
  });
}

/**
 * KafkaJS gives up on some errors (e.g. no group coordinator yet on a brand-new cluster) without
 * restarting. A consumer that silently stopped would lose no data but do no work: exit instead, so
 * the supervisor restarts the service and it rejoins the group from the committed offsets.
 */
export function exitWhenCrashedForGood(
  consumer: Consumer,
  groupId: string,
  logger: Logger,
  isRunning: () => boolean,
): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || !isRunning()) return;
    logger.fatal({ err: payload.error, group: groupId }, 'consumer crashed without restart; exiting');
    process.exit(70);
  });
}
