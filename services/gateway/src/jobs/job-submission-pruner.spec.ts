import pino from 'pino';
import { JobSubmissionPruner } from './job-submission-pruner';

describe('JobSubmissionPruner', () => {
  it('deletes the records older than the retention', async () => {
    const cutoffs: Date[] = [];
    const pruner = new JobSubmissionPruner(
      { pruneBefore: (cutoff) => (cutoffs.push(cutoff), Promise.resolve(3)) },
      3_600_000,
      pino({ level: 'silent' }),
    );
    const before = Date.now();
    await pruner.prune();
    expect(cutoffs).toHaveLength(1);
    expect(cutoffs[0].getTime()).toBeGreaterThanOrEqual(before - 3_600_000);
    expect(cutoffs[0].getTime()).toBeLessThanOrEqual(Date.now() - 3_600_000);
  });

  it('survives a failed delete (the next round retries)', async () => {
    const pruner = new JobSubmissionPruner(
      { pruneBefore: () => Promise.reject(new Error('database down')) },
      60_000,
      pino({ level: 'silent' }),
    );
    await expect(pruner.prune()).resolves.toBeUndefined();
  });

  it('prunes every interval once started, and no more once stopped', async () => {
    jest.useFakeTimers();
    try {
      let calls = 0;
      const pruner = new JobSubmissionPruner(
        { pruneBefore: () => (calls++, Promise.resolve(0)) },
        60_000,
        pino({ level: 'silent' }),
        1000,
      );
      pruner.start();
      await jest.advanceTimersByTimeAsync(3000);
      expect(calls).toBe(3);
      await pruner.stop();
      await jest.advanceTimersByTimeAsync(3000);
      expect(calls).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
