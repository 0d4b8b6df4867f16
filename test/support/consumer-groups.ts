import type { ApiClient } from './api-client';

export interface GroupMember {
  clientId: string;
  assignments: { topic: string; partitions: number[] }[];
}

export interface ConsumerGroup {
  groupId: string;
  state: string;
  members: GroupMember[];
  partitions: {
    topic: string;
    partition: number;
    committedOffset: string | null;
    endOffset: string;
    lag: number;
  }[];
  totalLag: number;
}

/** One group as `GET /admin/consumer-groups` shows it (undefined while it does not exist). */
export async function consumerGroup(api: ApiClient, groupId: string): Promise<ConsumerGroup | undefined> {
  const response = await api.request<{ groups: ConsumerGroup[] }>('GET', '/admin/consumer-groups');
  if (response.status !== 200) throw new Error(`GET /admin/consumer-groups: ${response.status}`);
  return response.body.groups.find((group) => group.groupId === groupId);
}

/** Partitions of `topic` each member holds, in member order. */
export function partitionsOf(group: ConsumerGroup, topic: string): number[][] {
  return group.members.map(
    (member) => member.assignments.find((assignment) => assignment.topic === topic)?.partitions ?? [],
  );
}

/** A stable group of `members` members whose partitions of `topic` are disjoint and cover 0..partitions-1. */
export function sharesAllPartitions(
  group: ConsumerGroup | undefined,
  members: number,
  topic: string,
  partitions = 12,
): boolean {
  if (!group || group.state !== 'Stable' || group.members.length !== members) return false;
  const held = partitionsOf(group, topic).flat();
  return (
    held.length === partitions &&
    new Set(held).size === partitions &&
    held.every((p) => p >= 0 && p < partitions)
  );
}
