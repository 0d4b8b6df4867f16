import type { Admin } from 'kafkajs';
import { GroupOffsetReset } from './group-offset-reset';
import type { SharedAdmin } from './shared-admin';

/** An admin over two topics: `full` holds records 0-9 per partition, `empty` none (earliest = latest = 4). */
function fakeAdmin(groupState: string): { admin: SharedAdmin; setOffsets: jest.Mock } {
  const offsets: Record<string, { partition: number; low: string; high: string; offset: string }[]> = {
    't.full': [0, 1].map((partition) => ({ partition, low: '0', high: '10', offset: '10' })),
    't.empty': [0, 1].map((partition) => ({ partition, low: '4', high: '4', offset: '4' })),
  };
  const setOffsets = jest.fn(async () => undefined);
  const admin = {
    describeGroups: async () => ({ groups: [{ state: groupState }] }),
    fetchTopicOffsets: async (topic: string) => offsets[topic],
    fetchTopicOffsetsByTimestamp: async (topic: string) =>
      offsets[topic].map(({ partition, low }) => ({ partition, offset: low })),
    setOffsets,
  } as unknown as Admin;
  return { admin: { connected: async () => admin } as unknown as SharedAdmin, setOffsets };
}

describe('GroupOffsetReset', () => {
  it('sets an idle group’s offsets on topics with records and skips empty ones (each set joins the group)', async () => {
    const { admin, setOffsets } = fakeAdmin('Empty');
    const reset = await new GroupOffsetReset(admin, 't.').resetIfIdle(
      'scraper',
      ['full', 'empty'],
      '2026-12-01T00:00:00Z',
    );

    expect(setOffsets).toHaveBeenCalledTimes(1);
    expect(setOffsets).toHaveBeenCalledWith({
      groupId: 't.scraper',
      topic: 't.full',
      partitions: [
        { partition: 0, offset: '0' },
        { partition: 1, offset: '0' },
      ],
    });
    // Both topics are still reported, with where a consumer starting at `from` begins.
    expect(reset).toMatchObject({ mode: 'reset', state: 'Empty' });
    expect(reset.topics.map((t) => t.topic)).toEqual(['full', 'empty']);
  });

  it('leaves a group with members to rewind itself', async () => {
    const { admin, setOffsets } = fakeAdmin('Stable');
    const reset = await new GroupOffsetReset(admin, 't.').resetIfIdle('scraper', ['full'], 'earliest');
    expect(setOffsets).not.toHaveBeenCalled();
    expect(reset).toMatchObject({ mode: 'members', state: 'Stable' });
  });
});
