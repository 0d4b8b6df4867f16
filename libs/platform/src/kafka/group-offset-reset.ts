import { REPLAY_FROM_EARLIEST } from '@app/contracts';
import type { SharedAdmin } from './shared-admin';

export interface PartitionOffset {
  partition: number;
  offset: string;
}

/** What a reset did to one consumer group. */
export interface GroupReset {
  groupId: string;
  /** `reset`: the group had no members and its offsets were set; `members`: its running members rewind. */
  mode: 'reset' | 'members';
  state: string;
  topics: { topic: string; partitions: PartitionOffset[] }[];
}

/**
 * Consumer-group offsets by time, with Kafka's standard semantics (`kafka-consumer-groups
 * --reset-offsets --to-datetime` / `--to-earliest`): the first offset whose timestamp is at or after
 * `from`, or the log end when there is none. Names are logical; the topic prefix is added here.
 */
export class GroupOffsetReset {
  constructor(
    private readonly admin: SharedAdmin,
    private readonly prefix: string,
  ) {}

  /** Per partition of `topic`: where a consumer starting at `from` (ISO time or `earliest`) begins. */
  async offsetsAt(topic: string, from: string): Promise<PartitionOffset[]> {
    const admin = await this.admin.connected();
    const timestamp = from === REPLAY_FROM_EARLIEST ? 0 : Date.parse(from);
    // A time before 1970 precedes every record; Kafka reads negative timestamps as -1 latest, -2 earliest.
    if (timestamp <= 0) {
      const offsets = await admin.fetchTopicOffsets(this.prefix + topic);
      return offsets.map((p) => ({ partition: p.partition, offset: p.low }));
    }
    return admin.fetchTopicOffsetsByTimestamp(this.prefix + topic, timestamp);
  }

  /**
   * Rewinds `groupId` over `topics` to `from` when it has no running member (Kafka refuses to change
   * a live group's offsets); otherwise reports its state and leaves the rewind to its members.
   */
  async resetIfIdle(groupId: string, topics: string[], from: string): Promise<GroupReset> {
    const admin = await this.admin.connected();
    const {
      groups: [description],
    } = await admin.describeGroups([this.prefix + groupId]);
    const state = description?.state ?? 'Dead';
    const idle = state === 'Empty' || state === 'Dead';
    const result: GroupReset = { groupId, mode: idle ? 'reset' : 'members', state, topics: [] };
    for (const topic of topics) {
      const partitions = await this.offsetsAt(topic, from);
      // Each setOffsets joins the group for a moment (seconds). An empty topic (every partition's
      // earliest offset is its latest, e.g. the shared request topics nothing writes to any more) has
      // nothing to replay, and whatever offset the group holds there reads on from the same place.
      if (idle && !(await this.isEmpty(topic))) {
        await admin.setOffsets({ groupId: this.prefix + groupId, topic: this.prefix + topic, partitions });
      }
      result.topics.push({ topic, partitions });
    }
    return result;
  }

  private async isEmpty(topic: string): Promise<boolean> {
    const offsets = await (await this.admin.connected()).fetchTopicOffsets(this.prefix + topic);
    return offsets.every((partition) => partition.low === partition.high);
  }
}
