import type { Admin, Kafka } from 'kafkajs';

export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: string | null;
  endOffset: string;
  lag: number;
}

/** Lag of a consumer group per partition: end offset minus committed offset (all, if nothing committed). */
export async function consumerGroupLag(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const out: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const mine = partitions.find((p) => p.partition === end.partition);
      const offset = mine && Number(mine.offset) >= 0 ? mine.offset : null;
      const from = offset === null ? Number(end.low) : Number(offset);
      out.push({
        topic,
        partition: end.partition,
        committedOffset: offset,
        endOffset: end.high,
        lag: Math.max(0, Number(end.high) - from),
      });
    }
  }
  return out;
}

/**
 * Keeps one admin connection for what is asked often (lag at every metrics scrape, readiness at
 * every health probe), instead of connecting a new admin client each time.
 */
export class LagReader {
  private admin: Admin | undefined;

  constructor(private readonly kafka: Kafka) {}

  private async connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  async read(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    return consumerGroupLag(await this.connected(), groupId, topics);
  }

  /** True when a broker answers a metadata request. */
  async clusterAnswers(): Promise<boolean> {
    await (await this.connected()).describeCluster();
    return true;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}
