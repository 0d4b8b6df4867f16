import { projectionsStatus, RebuildProgress } from './rebuild-progress';
import type { ProjectorLag, RebuildRecord } from './rebuild-status';

const startedAt = new Date('2026-11-25T12:00:00.000Z');

function setup() {
  let now = 10_000;
  const saved: RebuildRecord[] = [];
  const progress = new RebuildProgress(
    startedAt,
    async (record) => {
      saved.push({ ...record });
    },
    () => now,
  );
  return { progress, saved, advance: (ms: number) => (now += ms) };
}

describe('RebuildProgress', () => {
  it('starts a running record named after its start time', () => {
    const { progress } = setup();
    expect(progress.record).toMatchObject({
      state: 'running',
      shadowSchema: 'rebuild_20261125120000000',
      startedAt,
      finishedAt: null,
      eventsRead: 0,
      eventsTotal: 0,
      error: null,
    });
  });

  it('saves forced checkpoints always and the others at most once a second', async () => {
    const { progress, saved, advance } = setup();
    await progress.checkpoint(false);
    advance(500);
    await progress.checkpoint(false);
    await progress.checkpoint(true);
    advance(999);
    await progress.checkpoint(false);
    advance(1);
    await progress.checkpoint(false);
    expect(saved).toHaveLength(3);
  });

  it('reports the read rate since the start in each saved record', async () => {
    const { progress, saved, advance } = setup();
    expect(progress.rate()).toBe(0);
    advance(2000);
    progress.record.eventsRead = 500;
    await progress.checkpoint(true);
    expect(saved[0].eventsPerSecond).toBe(250);
    expect(progress.seconds).toBe(2);
  });

  it('finishes succeeded or failed with the error message', () => {
    const ok = setup();
    ok.advance(1000);
    ok.progress.record.eventsRead = 10;
    const at = new Date('2026-11-25T12:00:01.000Z');
    ok.progress.finish(null, at);
    expect(ok.progress.record).toMatchObject({
      state: 'succeeded',
      finishedAt: at,
      eventsPerSecond: 10,
      error: null,
    });

    const failed = setup();
    failed.progress.finish({ error: new Error('injected fault') }, at);
    expect(failed.progress.record).toMatchObject({
      state: 'failed',
      error: 'injected fault',
      eventsPerSecond: 0,
    });
    failed.progress.finish({ error: 'plain' }, at);
    expect(failed.progress.record.error).toBe('plain');
  });

  it('sums up where the time went', () => {
    const { progress, advance } = setup();
    advance(4000);
    Object.assign(progress, { batches: 3, invalid: 1, decodeMs: 500, writeMs: 2500 });
    progress.record.eventsRead = 41;
    progress.record.eventsApplied = 40;
    progress.finish(null);
    expect(progress.summary()).toEqual({
      eventsRead: 41,
      eventsApplied: 40,
      invalid: 1,
      seconds: 4,
      eventsPerSecond: 10,
      batches: 3,
      decodeSeconds: 0.5,
      writeSeconds: 2.5,
    });
  });
});

describe('projectionsStatus', () => {
  const lag: ProjectorLag = { group: 'projector', total: 3, perTopic: { 'jobs.requested': 3 } };
  const record: RebuildRecord = {
    id: 'r1',
    state: 'running',
    shadowSchema: 'rebuild_1',
    startedAt,
    finishedAt: null,
    eventsRead: 80,
    eventsApplied: 60,
    eventsTotal: 120,
    eventsPerSecond: 7,
    error: null,
  };

  it('is idle, with the lag, when no rebuild ever ran', () => {
    expect(projectionsStatus(null, lag)).toEqual({
      state: 'idle',
      rebuildId: null,
      startedAt: null,
      finishedAt: null,
      eventsRead: 0,
      eventsApplied: 0,
      eventsTotal: 0,
      progress: null,
      eventsPerSecond: null,
      error: null,
      lag,
    });
  });

  it('reports a record with its progress, the live rate when running here, else the recorded one', () => {
    expect(projectionsStatus(record, null)).toMatchObject({
      state: 'running',
      rebuildId: 'r1',
      startedAt: '2026-11-25T12:00:00.000Z',
      finishedAt: null,
      progress: 0.5,
      eventsPerSecond: 7,
      lag: null,
    });
    expect(projectionsStatus(record, null, 42).eventsPerSecond).toBe(42);
  });

  it('caps progress at 1 (duplicates in the catch-up) and leaves it null before the log was measured', () => {
    expect(projectionsStatus({ ...record, eventsApplied: 130 }, null).progress).toBe(1);
    expect(projectionsStatus({ ...record, eventsTotal: 0 }, null).progress).toBeNull();
  });
});
