import type { EachBatchPayload } from 'kafkajs';
import { OffsetCommits } from './offset-commits';

type Offsets = Parameters<EachBatchPayload['commitOffsetsIfNecessary']>[0];

/** A batch payload that records resolved offsets and the commits made through it. */
function payload(
  topic: string,
  partition: number,
  commits: Offsets[],
  fail: (offsets: Offsets) => Error | null = () => null,
): EachBatchPayload & { resolved: string[] } {
  const resolved: string[] = [];
  return {
    batch: { topic, partition },
    resolved,
    resolveOffset: (offset: string) => void resolved.push(offset),
    commitOffsetsIfNecessary: async (offsets?: Offsets) => {
      commits.push(offsets);
      const error = fail(offsets);
      if (error) throw error;
    },
  } as unknown as EachBatchPayload & { resolved: string[] };
}

describe('OffsetCommits', () => {
  it('resolves the batch and commits the next offset to read', async () => {
    const commits: Offsets[] = [];
    const batch = payload('t', 3, commits);
    await new OffsetCommits().through(batch, '41');
    expect(batch.resolved).toEqual(['41']);
    expect(commits).toEqual([{ topics: [{ topic: 't', partitions: [{ partition: 3, offset: '42' }] }] }]);
  });

  it('commits the batches of several partitions that finish together in one request', async () => {
    const commits: Offsets[] = [];
    const offsets = new OffsetCommits();
    await Promise.all([
      offsets.through(payload('a', 0, commits), '9'),
      offsets.through(payload('a', 1, commits), '19'),
      offsets.through(payload('b', 0, commits), '29'),
    ]);
    expect(commits).toEqual([
      {
        topics: [
          {
            topic: 'a',
            partitions: [
              { partition: 0, offset: '10' },
              { partition: 1, offset: '20' },
            ],
          },
          { topic: 'b', partitions: [{ partition: 0, offset: '30' }] },
        ],
      },
    ]);
  });

  it('keeps two batches of one partition in separate requests, in order', async () => {
    const commits: Offsets[] = [];
    const offsets = new OffsetCommits();
    await Promise.all([
      offsets.through(payload('a', 0, commits), '9'),
      offsets.through(payload('a', 0, commits), '12'),
    ]);
    expect(commits.map((c) => c?.topics[0].partitions[0].offset)).toEqual(['10', '13']);
  });

  it('fails only the batch whose commit fails; the others are committed', async () => {
    const commits: Offsets[] = [];
    const rebalancing = (o: Offsets): Error | null =>
      o?.topics.some((t) => t.partitions.some((p) => p.partition === 1))
        ? new Error('The group is rebalancing')
        : null;
    const offsets = new OffsetCommits();
    const [good, bad] = await Promise.allSettled([
      offsets.through(payload('a', 0, commits, rebalancing), '9'),
      offsets.through(payload('a', 1, commits, rebalancing), '19'),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('The group is rebalancing') });
    // The merged request, then each batch alone.
    expect(commits).toHaveLength(3);
  });
});
