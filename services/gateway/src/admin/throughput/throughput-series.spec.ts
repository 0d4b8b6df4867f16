import { THROUGHPUT_BUCKETS, throughputSeries, throughputWindow } from './throughput-series';

describe('throughputWindow', () => {
  it('ends with the interval that holds now, aligned to multiples of the interval', () => {
    const window = throughputWindow(new Date('2026-12-07T10:00:07.500Z'), 15);
    expect(window).toEqual({
      minutes: 15,
      bucketSeconds: 15,
      from: new Date('2026-12-07T09:45:15.000Z'),
      to: new Date('2026-12-07T10:00:15.000Z'),
    });
    expect((window.to.getTime() - window.from.getTime()) / 1000).toBe(THROUGHPUT_BUCKETS * 15);
  });

  it('gives consecutive reads the same intervals', () => {
    const a = throughputWindow(new Date('2026-12-07T10:00:01.000Z'), 5);
    const b = throughputWindow(new Date('2026-12-07T10:00:04.999Z'), 5);
    expect(b).toEqual(a);
    const c = throughputWindow(new Date('2026-12-07T10:00:05.000Z'), 5);
    expect(c.from.getTime() - a.from.getTime()).toBe(5000);
  });
});

describe('throughputSeries', () => {
  const now = new Date('2026-12-07T10:00:04.000Z');
  const window = throughputWindow(now, 10); // intervals of 10 s; the last, 10:00:00-10:00:10, has run 4 s

  it('answers every interval of every type, all first, zero and null where no job finished', () => {
    const series = throughputSeries(window, [], ['scrape', 'risk'], now);
    expect(series.map((s) => s.type)).toEqual(['all', 'scrape', 'risk']);
    for (const { buckets } of series) {
      expect(buckets).toHaveLength(THROUGHPUT_BUCKETS);
      expect(buckets[0]).toEqual({
        start: window.from.toISOString(),
        finished: 0,
        perSecond: 0,
        p50Ms: null,
        p99Ms: null,
      });
      expect(buckets[59].start).toBe('2026-12-07T10:00:00.000Z');
    }
  });

  it('divides by the interval’s seconds, and the running interval’s by the seconds it has run', () => {
    const rows = [
      { type: null, bucket: 3, finished: 25, p50Ms: 12.345, p99Ms: 80.06 },
      { type: 'scrape', bucket: 3, finished: 25, p50Ms: 12.345, p99Ms: 80.06 },
      { type: null, bucket: 59, finished: 8, p50Ms: 5, p99Ms: 9 },
      { type: 'risk', bucket: 59, finished: 8, p50Ms: 5, p99Ms: 9 },
    ];
    const [all, scrape, risk] = throughputSeries(window, rows, ['scrape', 'risk'], now);
    expect(all.buckets[3]).toMatchObject({ finished: 25, perSecond: 2.5, p50Ms: 12.3, p99Ms: 80.1 });
    expect(scrape.buckets[3].perSecond).toBe(2.5);
    expect(risk.buckets[3].finished).toBe(0);
    expect(all.buckets[59]).toMatchObject({ finished: 8, perSecond: 2, p50Ms: 5, p99Ms: 9 });
  });

  it('adds a series for a type it was not told of', () => {
    const rows = [{ type: 'other', bucket: 0, finished: 1, p50Ms: 1, p99Ms: 1 }];
    expect(throughputSeries(window, rows, ['scrape'], now).map((s) => s.type)).toEqual([
      'all',
      'scrape',
      'other',
    ]);
  });
});
