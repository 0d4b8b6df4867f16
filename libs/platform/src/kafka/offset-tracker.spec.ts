import { OffsetTracker } from './offset-tracker';

const T = 'jobs.requested';

function due(tracker: OffsetTracker): Record<string, string> {
  return Object.fromEntries(tracker.commitsDue().map((c) => [`${c.topic}/${c.partition}`, c.offset]));
}

describe('OffsetTracker', () => {
  it('commits nothing before anything was taken', () => {
    expect(new OffsetTracker().commitsDue()).toEqual([]);
  });

  it('holds the commit point at the lowest unfinished offset while later ones finish first', () => {
    const tracker = new OffsetTracker();
    const [a, b, c] = ['10', '11', '12'].map((offset) => tracker.take(T, 0, offset));
    expect(due(tracker)).toEqual({ [`${T}/0`]: '10' });
    c.done();
    b.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '10' });
    a.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '13' });
    expect(tracker.unfinished).toBe(0);
  });

  it('moves the commit point only as far as the contiguous done prefix', () => {
    const tracker = new OffsetTracker();
    const [a, b, c, d] = ['0', '1', '2', '3'].map((offset) => tracker.take(T, 0, offset));
    b.done();
    d.done();
    a.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '2' });
    c.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '4' });
  });

  it('keeps partitions apart', () => {
    const tracker = new OffsetTracker();
    const slow = tracker.take(T, 0, '5');
    tracker.take(T, 1, '7').done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '5', [`${T}/1`]: '8' });
    slow.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '6', [`${T}/1`]: '8' });
  });

  it('reports a commit point once, and again only after it moved', () => {
    const tracker = new OffsetTracker();
    tracker.take(T, 0, '0').done();
    tracker.committed(T, 0, '1');
    expect(tracker.commitsDue()).toEqual([]);
    tracker.take(T, 0, '1').done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '2' });
  });

  it('tolerates offset gaps (transaction markers) and skips to the end of a batch', () => {
    const tracker = new OffsetTracker();
    tracker.take(T, 0, '3').done();
    tracker.take(T, 0, '6').done();
    tracker.skipTo(T, 0, '8');
    expect(due(tracker)).toEqual({ [`${T}/0`]: '8' });
  });

  it('after a failure rewinds the partition, never commits past the failed offset, and later offsets die', () => {
    const tracker = new OffsetTracker();
    const [a, failed, c] = ['0', '1', '2'].map((offset) => tracker.take(T, 0, offset));
    c.done();
    tracker.rewind(T, 0, failed.offset);
    expect(failed.alive).toBe(false);
    expect(c.alive).toBe(false);
    expect(a.alive).toBe(true);
    expect(due(tracker)).toEqual({ [`${T}/0`]: '0' });
    a.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '1' });
    // Late completion of a dead ticket changes nothing.
    failed.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '1' });
    // Redelivered from the failed offset on.
    tracker.take(T, 0, '1').done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '2' });
  });

  it('treats an offset taken again as a seek back: what was taken from there on dies', () => {
    const tracker = new OffsetTracker();
    const first = tracker.take(T, 0, '4');
    const second = tracker.take(T, 0, '5');
    const again = tracker.take(T, 0, '4');
    expect(first.alive).toBe(false);
    expect(second.alive).toBe(false);
    second.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '4' });
    again.done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '5' });
  });

  it('after revokeAll commits nothing for the lost partitions, even when their work finishes', () => {
    const tracker = new OffsetTracker();
    const running = tracker.take(T, 0, '0');
    tracker.take(T, 1, '0').done();
    tracker.revokeAll();
    expect(running.alive).toBe(false);
    running.done();
    expect(tracker.commitsDue()).toEqual([]);
    expect(tracker.unfinished).toBe(0);
  });

  it('a rewind below the last commit (a replay) starts over from there', () => {
    const tracker = new OffsetTracker();
    tracker.take(T, 0, '9').done();
    tracker.committed(T, 0, '10');
    tracker.rewind(T, 0, '2');
    expect(tracker.commitsDue()).toEqual([]);
    tracker.take(T, 0, '2').done();
    expect(due(tracker)).toEqual({ [`${T}/0`]: '3' });
  });
});
