import type { PartitionLag } from '@app/platform';
import { readProjectorLag } from './projector-lag';

const partition = (topic: string, p: number, lag: number): PartitionLag => ({
  topic,
  partition: p,
  committedOffset: null,
  endOffset: String(lag),
  lag,
});

describe('readProjectorLag', () => {
  const options = { prefix: 't1.', group: 'projector', topics: ['jobs.requested', 'scrape.events'] };

  it('asks for the prefixed group and topics and sums the lag per logical topic', async () => {
    const read = jest.fn(async () => [
      partition('t1.jobs.requested', 0, 2),
      partition('t1.jobs.requested', 1, 3),
      partition('t1.scrape.events', 0, 0),
    ]);
    expect(await readProjectorLag({ read }, options)).toEqual({
      group: 'projector',
      total: 5,
      perTopic: { 'jobs.requested': 5, 'scrape.events': 0 },
    });
    expect(read).toHaveBeenCalledWith('t1.projector', ['t1.jobs.requested', 't1.scrape.events']);
  });

  it('is null when Kafka fails', async () => {
    const read = async (): Promise<PartitionLag[]> => Promise.reject(new Error('broker down'));
    expect(await readProjectorLag({ read }, options)).toBeNull();
  });

  it('is null when Kafka does not answer within the timeout', async () => {
    jest.useFakeTimers();
    try {
      const read = (): Promise<PartitionLag[]> => new Promise(() => undefined);
      const answer = readProjectorLag({ read }, { ...options, timeoutMs: 2000 });
      await jest.advanceTimersByTimeAsync(2000);
      expect(await answer).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});
