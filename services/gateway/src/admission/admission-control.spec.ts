import pino from 'pino';
import type { JobType } from '@app/contracts';
import { PlatformMetrics, type GroupProgress } from '@app/platform';
import { AdmissionRejectedError } from '../http/api-errors';
import { AdmissionControl } from './admission-control';
import { BacklogMonitor, type GroupProgressReader } from './backlog-monitor';
import { backlogSources, type StageGroup } from './backlog-sources';

/** Kafka as the monitor sees it: which groups exist and each group's lag and consumed count. */
class FakeGroups implements GroupProgressReader {
  existing: string[] = [];
  progressByGroup = new Map<string, { lag: number; consumed: number }>();
  asked: StageGroup[][] = [];
  failure: Error | null = null;

  groupIds(): Promise<string[]> {
    return this.failure ? Promise.reject(this.failure) : Promise.resolve(this.existing);
  }

  progress(groups: StageGroup[]): Promise<GroupProgress[]> {
    this.asked.push(groups);
    return Promise.resolve(
      groups.map(({ groupId }) => ({
        groupId,
        ...(this.progressByGroup.get(groupId) ?? { lag: 0, consumed: 0 }),
      })),
    );
  }
}

/** `now`: the clock of monitor and admission (default a manual one, moved by `advance`). */
function setup(
  maxLag: Partial<Record<JobType, number>> = {},
  options: { idlePollMs?: number; now?: () => number } = {},
) {
  let clock = 1_000_000;
  const now = options.now ?? (() => clock);
  const groups = new FakeGroups();
  const metrics = new PlatformMetrics('gateway');
  const monitor = new BacklogMonitor(
    groups,
    backlogSources({ scrape: 'scraper', risk: 'risk' }),
    1000,
    metrics,
    pino({ level: 'silent' }),
    now,
    options.idlePollMs,
  );
  const admission = new AdmissionControl(
    monitor,
    {
      maxLag: { scrape: 20, risk: 20, document: 20, ...maxLag },
      staleAfterMs: 10_000,
      fallbackRetryAfterSeconds: 5,
    },
    metrics,
    now,
  );
  return { groups, metrics, monitor, admission, advance: (ms: number) => (clock += ms) };
}

function rejection(admission: AdmissionControl, type: JobType): AdmissionRejectedError | undefined {
  try {
    admission.assertAdmits(type);
    return undefined;
  } catch (error) {
    if (error instanceof AdmissionRejectedError) return error;
    throw error;
  }
}

describe('AdmissionControl', () => {
  it('admits everything before the first sample', () => {
    const { admission } = setup();
    expect(rejection(admission, 'scrape')).toBeUndefined();
  });

  it('refuses only the type whose backlog is over its limit, with a retry estimate from the drain rate', async () => {
    const { groups, monitor, admission, advance, metrics } = setup();
    groups.progressByGroup.set('scraper', { lag: 100, consumed: 0 });
    await monitor.sample();
    advance(1000);
    groups.progressByGroup.set('scraper', { lag: 60, consumed: 10 });
    await monitor.sample();

    const refused = rejection(admission, 'scrape');
    expect(refused).toBeInstanceOf(AdmissionRejectedError);
    // 40 over the limit at 10 messages/s.
    expect(refused?.retryAfterSeconds).toBe(4);
    expect(refused?.message).toBe(
      'The scrape stages are 60 messages behind, over the limit of 20; retry in about 4 s',
    );
    expect(rejection(admission, 'risk')).toBeUndefined();
    expect(rejection(admission, 'document')).toBeUndefined();
    const text = await metrics.render();
    expect(text).toMatch(/admission_rejections_total\{type="scrape",service="gateway"\} 1/);
    expect(text).toMatch(/admission_backlog_messages\{type="scrape",service="gateway"\} 60/);
  });

  it('admits again once the backlog is back at the limit', async () => {
    const { groups, monitor, admission } = setup();
    groups.progressByGroup.set('risk', { lag: 21, consumed: 0 });
    await monitor.sample();
    expect(rejection(admission, 'risk')).toBeDefined();
    groups.progressByGroup.set('risk', { lag: 20, consumed: 1 });
    await monitor.sample();
    expect(rejection(admission, 'risk')).toBeUndefined();
  });

  it('uses the fallback Retry-After while no drain rate is known, and caps long estimates', async () => {
    const { groups, monitor, admission, advance } = setup();
    groups.progressByGroup.set('scraper', { lag: 10_000, consumed: 0 });
    await monitor.sample();
    expect(rejection(admission, 'scrape')?.retryAfterSeconds).toBe(5);
    advance(1000);
    groups.progressByGroup.set('scraper', { lag: 10_000, consumed: 1 });
    await monitor.sample();
    expect(rejection(admission, 'scrape')?.retryAfterSeconds).toBe(300);
  });

  it('fails open when the backlog could not be sampled for longer than the stale limit', async () => {
    const { groups, monitor, admission, advance } = setup();
    groups.progressByGroup.set('scraper', { lag: 500, consumed: 0 });
    await monitor.sample();
    groups.failure = new Error('broker down');
    await expect(monitor.sample()).rejects.toThrow('broker down');
    advance(5000);
    expect(rejection(admission, 'scrape')).toBeDefined();
    advance(5001);
    expect(rejection(admission, 'scrape')).toBeUndefined();
  });

  it('never refuses a type whose limit is 0', async () => {
    const { groups, monitor, admission } = setup({ scrape: 0 });
    groups.progressByGroup.set('scraper', { lag: 1_000_000, consumed: 0 });
    await monitor.sample();
    expect(rejection(admission, 'scrape')).toBeUndefined();
  });
});

describe('BacklogMonitor', () => {
  it('adds sub-groups of a stage group (priorities) and skips control groups and other stages', async () => {
    const { groups, monitor } = setup();
    groups.existing = [
      'scraper',
      'scraper.high',
      'scraper.low',
      'scraper.control.0b5e5c8e-6a51-4a3e-9d0f-1f2a3b4c5d6e',
      'scraperish',
      'risk',
      'projector',
    ];
    groups.progressByGroup.set('scraper', { lag: 1, consumed: 0 });
    groups.progressByGroup.set('scraper.high', { lag: 10, consumed: 0 });
    groups.progressByGroup.set('scraper.low', { lag: 100, consumed: 0 });
    groups.progressByGroup.set('scraperish', { lag: 1000, consumed: 0 });
    groups.progressByGroup.set('scraper.control.0b5e5c8e-6a51-4a3e-9d0f-1f2a3b4c5d6e', {
      lag: 5000,
      consumed: 0,
    });
    await monitor.sample();
    expect(monitor.current('scrape')?.backlog).toBe(111);
    const asked = groups.asked[0].map((g) => g.groupId).sort();
    expect(asked).toEqual([
      'documents-classify',
      'documents-ocr',
      'documents-scale',
      'documents-split',
      'risk',
      'scraper',
      'scraper.high',
      'scraper.low',
    ]);
    // A group that does not exist yet still owes what is on its input topics.
    expect(groups.asked[0].find((g) => g.groupId === 'risk')?.inputTopics).toEqual([
      'risk.requested',
      'jobs.requested',
    ]);
  });

  it('sums every document stage into the document backlog', async () => {
    const { groups, monitor } = setup();
    groups.progressByGroup.set('documents-split', { lag: 1, consumed: 0 });
    groups.progressByGroup.set('documents-ocr', { lag: 40, consumed: 0 });
    groups.progressByGroup.set('documents-classify', { lag: 2, consumed: 0 });
    await monitor.sample();
    expect(monitor.current('document')?.backlog).toBe(43);
  });

  it('samples in the background every poll interval until stopped', async () => {
    jest.useFakeTimers();
    try {
      const { groups, monitor } = setup();
      groups.progressByGroup.set('risk', { lag: 7, consumed: 0 });
      monitor.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(monitor.current('risk')?.backlog).toBe(7);
      await jest.advanceTimersByTimeAsync(3000);
      expect(groups.asked).toHaveLength(4);
      await monitor.stop();
      await jest.advanceTimersByTimeAsync(5000);
      expect(groups.asked).toHaveLength(4);
    } finally {
      jest.useRealTimers();
    }
  });

  it('samples every idle interval on an idle system, and at the poll pace again as soon as a job is submitted', async () => {
    jest.useFakeTimers();
    try {
      const { groups, monitor, admission } = setup({}, { idlePollMs: 10_000, now: Date.now });
      monitor.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(groups.asked).toHaveLength(1);
      // Nothing submitted, no backlog: the next sample waits the idle interval.
      await jest.advanceTimersByTimeAsync(9000);
      expect(groups.asked).toHaveLength(1);
      // A submission wakes the monitor: sampled at once (the last sample is older than the poll interval).
      groups.progressByGroup.set('scraper', { lag: 5, consumed: 0 });
      admission.assertAdmits('scrape');
      await jest.advanceTimersByTimeAsync(0);
      expect(groups.asked).toHaveLength(2);
      // A backlog keeps the poll pace without further submissions.
      await jest.advanceTimersByTimeAsync(1000);
      expect(groups.asked).toHaveLength(3);
      await jest.advanceTimersByTimeAsync(1000);
      expect(groups.asked).toHaveLength(4);
      // Drained and quiet again: back to the idle interval.
      groups.progressByGroup.set('scraper', { lag: 0, consumed: 5 });
      await jest.advanceTimersByTimeAsync(1000);
      expect(groups.asked).toHaveLength(5);
      await jest.advanceTimersByTimeAsync(9000);
      expect(groups.asked).toHaveLength(5);
      await jest.advanceTimersByTimeAsync(1000);
      expect(groups.asked).toHaveLength(6);
      // Only the type with demand or a backlog is sampled at the poll pace; the idle ones once their last
      // sample is an idle interval old (the second and third samples were at 9 s and 10 s).
      const all = [
        'documents-classify',
        'documents-ocr',
        'documents-scale',
        'documents-split',
        'risk',
        'scraper',
      ];
      expect(groups.asked.map((asked) => asked.map((g) => g.groupId).sort())).toEqual([
        all,
        ['scraper'],
        all,
        ['scraper'],
        ['scraper'],
        all,
      ]);
      await monitor.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
