import type { EachBatchPayload } from 'kafkajs';
import { GroupCommit } from '../batching/group-commit';

interface PartitionCommit {
  topic: string;
  partition: number;
  /** The next offset to read (last consumed + 1). */
  offset: string;
  /** The batch's own commit call: every batch of one consumer reaches the same group member. */
  commit: EachBatchPayload['commitOffsetsIfNecessary'];
}

/**
 * Offset commits of one consumer, merged: batches of several partitions that finish while a commit is
 * in flight are committed together by the next OffsetCommit request (group commit), instead of one
 * request each. Each caller still resolves only once its own offset is committed. The request goes
 * through the batch's own payload (the group member's current generation), so an error (a rebalance)
 * reaches the batch that asked, as a direct commit would; a failed merged commit is retried per batch.
 */
export class OffsetCommits {
  private readonly commits = new GroupCommit<PartitionCommit>(
    (items) => items[0].commit({ topics: byTopic(items) }),
    (item) => `${item.topic}|${item.partition}`,
  );

  /** Marks the batch's messages up to `lastOffset` consumed and commits that position. */
  async through(payload: EachBatchPayload, lastOffset: string): Promise<void> {
    const { batch } = payload;
    payload.resolveOffset(lastOffset);
    // Explicit offsets: with autoCommit off and no interval/threshold, KafkaJS's argument-less
    // commitOffsetsIfNecessary() never commits, and every restart would reprocess the whole log.
    await this.commits.submit({
      topic: batch.topic,
      partition: batch.partition,
      offset: (BigInt(lastOffset) + 1n).toString(),
      commit: (offsets) => payload.commitOffsetsIfNecessary(offsets),
    });
  }
}

function byTopic(
  items: PartitionCommit[],
): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of items) {
    const partitions = topics.get(topic) ?? [];
    partitions.push({ partition, offset });
    topics.set(topic, partitions);
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
