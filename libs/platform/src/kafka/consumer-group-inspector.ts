import { AssignerProtocol, type Admin } from 'kafkajs';
import { isControlGroupId } from '../stage/control-group';
import type { PartitionLag } from './consumer-lag';
import type { SharedAdmin } from './shared-admin';

export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

export interface ConsumerGroupMember {
  memberId: string;
  clientId: string;
  host: string;
  assignments: TopicAssignment[];
}

/** One consumer group as Kafka sees it; group and topic names without the deployment's topic prefix. */
export interface ConsumerGroupView {
  groupId: string;
  /** Stable, PreparingRebalance, CompletingRebalance, Empty, Dead or Unknown. */
  state: string;
  members: ConsumerGroupMember[];
  partitions: PartitionLag[];
  totalLag: number;
}

/** How far a group is: its lag, and how many messages it has consumed (sum of committed positions). */
export interface GroupProgress {
  groupId: string;
  lag: number;
  consumed: number;
}

type EndOffsets = Map<string, { partition: number; high: string; low: string }[]>;

/**
 * Read-only view of this deployment's consumer groups through the Kafka admin API: which groups
 * exist, their members and partition assignments, and per partition the committed offset, end
 * offset and lag. Uses the runtime's shared admin connection; every call is bounded by a deadline
 * so a dead broker answers with an error instead of hanging.
 */
export class ConsumerGroupInspector {
  constructor(
    private readonly admin: SharedAdmin,
    private readonly topicPrefix: string,
    private readonly timeoutMs = 5000,
  ) {}

  /** Ids of the groups with this deployment's prefix (prefix removed), sorted; control groups only if asked. */
  async groupIds(options: { includeControlGroups?: boolean } = {}): Promise<string[]> {
    const { groups } = await this.call((admin) => admin.listGroups());
    return groups
      .map((group) => group.groupId)
      .filter((id) => id.startsWith(this.topicPrefix))
      .map((id) => id.slice(this.topicPrefix.length))
      .filter((id) => options.includeControlGroups === true || !isControlGroupId(id))
      .sort();
  }

  /** State, members and per-partition lag of each group (unknown groups come back `Dead`, empty). */
  async describe(groupIds: string[]): Promise<ConsumerGroupView[]> {
    if (groupIds.length === 0) return [];
    const { groups } = await this.call((admin) =>
      admin.describeGroups(groupIds.map((id) => this.prefixed(id))),
    );
    const ends: EndOffsets = new Map();
    const views: ConsumerGroupView[] = [];
    for (const group of groups) {
      const assignments = group.members.map((member) => decodeAssignment(member.memberAssignment));
      const assigned = assignments.flatMap((topics) => topics.map((a) => a.topic));
      const partitions = await this.partitionLag(group.groupId, assigned, ends);
      const members = group.members.map((member, index) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        host: member.clientHost,
        assignments: (assignments[index] ?? [])
          .filter((a) => a.topic.startsWith(this.topicPrefix))
          .map((a) => ({ topic: a.topic.slice(this.topicPrefix.length), partitions: a.partitions })),
      }));
      views.push({
        groupId: group.groupId.slice(this.topicPrefix.length),
        state: group.state,
        members: members.sort(
          (a, b) => a.clientId.localeCompare(b.clientId) || a.memberId.localeCompare(b.memberId),
        ),
        partitions,
        totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
      });
    }
    return views.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /**
   * Lag and consumed count of each group over the topics it committed on, is assigned, or is known
   * to read (`inputTopics`: a group that has not committed yet still owes everything on them).
   */
  async progress(groups: { groupId: string; inputTopics: string[] }[]): Promise<GroupProgress[]> {
    if (groups.length === 0) return [];
    const { groups: described } = await this.call((admin) =>
      admin.describeGroups(groups.map((group) => this.prefixed(group.groupId))),
    );
    const ends: EndOffsets = new Map();
    const out: GroupProgress[] = [];
    for (const group of groups) {
      const description = described.find((d) => d.groupId === this.prefixed(group.groupId));
      const assigned = (description?.members ?? []).flatMap((member) =>
        decodeAssignment(member.memberAssignment).map((a) => a.topic),
      );
      const partitions = await this.partitionLag(
        this.prefixed(group.groupId),
        [...assigned, ...group.inputTopics.map((topic) => this.prefixed(topic))],
        ends,
      );
      out.push({
        groupId: group.groupId,
        lag: partitions.reduce((sum, p) => sum + p.lag, 0),
        consumed: partitions.reduce((sum, p) => sum + (Number(p.endOffset) - p.lag), 0),
      });
    }
    return out;
  }

  private prefixed(name: string): string {
    return this.topicPrefix + name;
  }

  /** Partition lag over the committed topics plus `alsoTopics` (prefixed names in, logical names out). */
  private async partitionLag(
    groupId: string,
    alsoTopics: string[],
    ends: EndOffsets,
  ): Promise<PartitionLag[]> {
    const committed = await this.call((admin) => admin.fetchOffsets({ groupId }));
    const topics = [...new Set([...committed.map((c) => c.topic), ...alsoTopics])]
      .filter((topic) => topic.startsWith(this.topicPrefix))
      .sort();
    const out: PartitionLag[] = [];
    for (const topic of topics) {
      let end = ends.get(topic);
      if (!end) {
        end = await this.call((admin) => admin.fetchTopicOffsets(topic)).catch(() => []);
        ends.set(topic, end);
      }
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const { partition, high, low } of [...end].sort((a, b) => a.partition - b.partition)) {
        const offset = mine.find((p) => p.partition === partition)?.offset;
        const committedOffset = offset !== undefined && Number(offset) >= 0 ? offset : null;
        // Nothing committed: the stages start from the beginning, so everything still there is owed.
        const from = committedOffset === null ? Number(low) : Number(committedOffset);
        out.push({
          topic: topic.slice(this.topicPrefix.length),
          partition,
          committedOffset,
          endOffset: high,
          lag: Math.max(0, Number(high) - from),
        });
      }
    }
    return out;
  }

  private async call<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Kafka admin call timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    const connection = this.admin.connected();
    try {
      return await Promise.race([connection.then(work), deadline]);
    } catch (error) {
      // A broken connection is not reused: the next call connects afresh.
      await this.admin.discard(connection).catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A member's assignment as sent in the group protocol (topic names as on the broker). */
function decodeAssignment(buffer: Buffer): TopicAssignment[] {
  if (buffer.length === 0) return [];
  const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
  if (!decoded) return [];
  return Object.entries(decoded.assignment)
    .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
    .sort((a, b) => a.topic.localeCompare(b.topic));
}
