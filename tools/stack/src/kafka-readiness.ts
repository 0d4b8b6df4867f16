import { Admin, Kafka, logLevel } from 'kafkajs';
import { waitFor, WaitOptions } from './wait-for';

export interface KafkaReadinessOptions {
  timeoutMs: number;
  /** A reason to stop waiting at once (e.g. the broker process exited). */
  abort?: () => string | undefined;
}

const PROBE_ID = 'event-jobs-stack-probe';

/** A client for readiness probes: silent, quick to give up, no retries (the caller's wait loop retries). */
export function probeClient(brokers: string[], clientId = PROBE_ID): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
}
const OFFSETS_TOPIC = '__consumer_offsets';
const TRANSACTION_TOPIC = '__transaction_state';

/** Java's String.hashCode, which Kafka uses to map a group or transactional id to a coordinator partition. */
function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** One id per partition of an internal topic with `partitions` partitions (Kafka: abs(hashCode) % n). */
export function idsCoveringPartitions(prefix: string, partitions: number): string[] {
  const ids = new Map<number, string>();
  for (let i = 0; ids.size < partitions; i += 1) {
    const id = `${prefix}-${i}`;
    const partition = (javaHashCode(id) & 0x7fffffff) % partitions;
    if (!ids.has(partition)) ids.set(partition, id);
  }
  return [...ids.values()];
}

/**
 * Waits until a broker serves clients the way tests and services need it at once: metadata
 * (`listTopics`), then every partition of the group coordinator's `__consumer_offsets` and of the
 * transaction coordinator's `__transaction_state` (created on first use, loaded again after a
 * restart). Without that, the first consumer groups and transactional producers on a fresh or just
 * restarted broker get "coordinator not available / loading / not the correct coordinator" errors.
 */
export async function waitForKafkaReady(
  bootstrapServers: string,
  options: KafkaReadinessOptions,
): Promise<void> {
  const kafka = probeClient(bootstrapServers.split(','));
  const admin = kafka.admin();
  const deadline = Date.now() + options.timeoutMs;
  const waitOptions = (what: string): WaitOptions => ({
    what: `Kafka on ${bootstrapServers}: ${what}`,
    timeoutMs: Math.max(1, deadline - Date.now()),
    intervalMs: 250,
    abort: options.abort,
  });
  /** Retries `probe` until it resolves (any value). */
  const step = async (what: string, probe: () => Promise<unknown>): Promise<void> => {
    await waitFor(async () => {
      await probe();
      return true;
    }, waitOptions(what));
  };
  /** Retries until the topic exists with a leader for each partition; returns its partition count. */
  const partitions = (topic: string): Promise<number> =>
    waitFor(() => partitionCount(admin, topic), waitOptions(`metadata of ${topic}`));
  const transactionalProducer = async (transactionalId: string): Promise<void> => {
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 100 }, // KafkaJS refuses an idempotent producer without retries
    });
    try {
      await producer.connect();
      // KafkaJS sends the transactional InitProducerId (to the transaction coordinator) on the first
      // transaction; aborting it before anything was sent needs no further request.
      const transaction = await producer.transaction();
      await transaction.abort();
    } finally {
      await producer.disconnect();
    }
  };

  try {
    await step('metadata', async () => {
      await admin.connect();
      await admin.listTopics();
    });
    // The first FindCoordinator creates the internal topic; then probe one id per partition.
    await step('group coordinator', () => admin.describeGroups([PROBE_ID]));
    const offsetsPartitions = await partitions(OFFSETS_TOPIC);
    await step('group coordinator (all partitions)', () =>
      admin.describeGroups(idsCoveringPartitions(`${PROBE_ID}-group`, offsetsPartitions)),
    );
    await step('transaction coordinator', () => transactionalProducer(PROBE_ID));
    const transactionPartitions = await partitions(TRANSACTION_TOPIC);
    const pending = new Set(idsCoveringPartitions(`${PROBE_ID}-tx`, transactionPartitions));
    await step('transaction coordinator (all partitions)', async () => {
      // Ten producers at a time; an id that answered once is not probed again.
      for (const batch of chunks([...pending], 10)) {
        await Promise.all(
          batch.map(async (id) => {
            await transactionalProducer(id);
            pending.delete(id);
          }),
        );
      }
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until one node's client listener answers metadata: a node of a cluster does so once it has
 * joined the controller quorum's metadata; the coordinators may still wait for other nodes.
 */
export async function waitForKafkaListener(
  bootstrapServer: string,
  options: KafkaReadinessOptions,
): Promise<void> {
  const kafka = probeClient([bootstrapServer]);
  const admin = kafka.admin();
  try {
    await waitFor(
      async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.some((broker) => `${broker.host}:${broker.port}` === bootstrapServer)
          ? true
          : undefined;
      },
      {
        what: `Kafka node on ${bootstrapServer} to join its cluster`,
        timeoutMs: options.timeoutMs,
        intervalMs: 250,
        abort: options.abort,
      },
    );
  } finally {
    await admin.disconnect();
  }
}

/** The topic's partition count once every partition has a leader (undefined before). */
async function partitionCount(admin: Admin, topic: string): Promise<number | undefined> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = metadata.topics[0]?.partitions ?? [];
  if (partitions.length === 0 || partitions.some((partition) => partition.leader < 0)) return undefined;
  return partitions.length;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
