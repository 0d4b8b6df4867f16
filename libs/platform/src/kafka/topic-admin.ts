import type { Admin, Kafka } from 'kafkajs';
import type { KafkaConfig } from '../config/common-config';

/**
 * Creates the topics a service needs if they are missing. Event topics keep their data forever
 * (retention.ms=-1): the log is the source of truth and replay must be able to rebuild from offset 0.
 * Existing topics are left as they are (their partitions, replication and min ISR included).
 */
export async function ensureTopics(
  kafka: Kafka,
  config: KafkaConfig,
  topics: readonly string[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.map((topic) => config.topicPrefix + topic).filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: config.partitions,
          replicationFactor: config.replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'retention.bytes', value: '-1' },
            ...(config.minInsyncReplicas === undefined
              ? []
              : [{ name: 'min.insync.replicas', value: String(config.minInsyncReplicas) }]),
          ],
        })),
      })
      .catch(async (error: unknown) => {
        // Another service may have created them at the same moment; only a still-missing topic is an error.
        const now = new Set(await admin.listTopics());
        if (missing.some((topic) => !now.has(topic))) throw error;
      });
  } finally {
    await admin.disconnect();
  }
}

/** Runs `attempt` with a connected admin until it resolves, every 250 ms, and rethrows its error past `timeoutMs`. */
async function retryWithAdmin(
  kafka: Kafka,
  timeoutMs: number,
  attempt: (admin: Admin) => Promise<unknown>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await attempt(admin);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the group coordinator answers (on a brand-new cluster the offsets topic is created on
 * first use), so consumers started next join their groups at once instead of crashing on start-up.
 */
export async function awaitGroupCoordinator(kafka: Kafka, timeoutMs: number): Promise<void> {
  await retryWithAdmin(kafka, timeoutMs, (admin) => admin.describeGroups(['event-jobs-warm-up']));
}

/**
 * Waits until every partition of `topics` (full names) answers a ListOffsets from its leader. Just
 * after topics are created, the metadata can name a leader that has not taken the partition up yet:
 * a produce then fails with NOT_LEADER_OR_FOLLOWER until it has, and a gateway that reported ready
 * answered its first `POST /jobs` with 503.
 */
export async function awaitPartitionLeaders(
  kafka: Kafka,
  topics: string[],
  timeoutMs: number,
): Promise<void> {
  const waiting = [...topics];
  await retryWithAdmin(kafka, timeoutMs, async (admin) => {
    while (waiting.length > 0) {
      await admin.fetchTopicOffsets(waiting[0]);
      waiting.shift();
    }
  });
}
