import type { Admin, Kafka } from 'kafkajs';
import { SharedAdmin } from './shared-admin';

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
 * every health probe), instead of connecting a new admin client each time. Given a `SharedAdmin`,
 * it uses that connection and leaves closing it to its owner; given a client, it keeps its own.
 */
export class LagReader {
  private readonly admin: SharedAdmin;
  private readonly ownsAdmin: boolean;

  constructor(source: Kafka | SharedAdmin) {
    this.ownsAdmin = !(source instanceof SharedAdmin);
    this.admin = source instanceof SharedAdmin ? source : new SharedAdmin(source);
  }

  async read(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    return consumerGroupLag(await this.admin.connected(), groupId, topics);
  }

  /** True when a broker answers a metadata request. */
  async clusterAnswers(): Promise<boolean> {
    await (await this.admin.connected()).describeCluster();
    return true;
  }

  async close(): Promise<void> {
    if (this.ownsAdmin) await this.admin.close();
  }
}
