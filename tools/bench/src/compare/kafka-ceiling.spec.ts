import { parseConsumerSummary, parseProducerSummary, sumEndOffsets } from './kafka-ceiling';

describe('Kafka ceiling output parsing', () => {
  it("reads ProducerPerformance's final summary line, not its periodic ones", () => {
    const output = [
      '232113 records sent, 46422.6 records/sec (22.14 MB/sec), 650.2 ms avg latency, 1022.0 ms max latency.',
      '500000 records sent, 48030.737 records/sec (22.90 MB/sec), 612.47 ms avg latency, 1021.00 ms max latency, 594 ms 50th, 902 ms 95th, 987 ms 99th, 1015 ms 99.9th.',
    ].join('\n');
    expect(parseProducerSummary(output)).toEqual({
      recordsPerS: 48030.737,
      mbPerS: 22.9,
      avgLatencyMs: 612.47,
      p99LatencyMs: 987,
    });
    expect(() => parseProducerSummary('Exception in thread "main"')).toThrow(/no summary/);
  });

  it("reads ConsumerPerformance's CSV and derives the average record size", () => {
    const output = [
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-12-07 05:01:02:003, 2026-12-07 05:01:05:010, 9.5367, 3.1715, 20000, 6651.1473, 3001, 6, 1589.4500, 3333333.3333',
    ].join('\n');
    expect(parseConsumerSummary('jobs.requested', output)).toEqual({
      topic: 'jobs.requested',
      records: 20000,
      avgRecordBytes: 500,
      mbPerS: 1589.45,
      recordsPerS: 3333333.3333,
    });
    expect(() => parseConsumerSummary('t', 'WARNING: Exiting before consuming')).toThrow(/no summary/);
  });
});

describe('sumEndOffsets', () => {
  it("adds GetOffsetShell's per-partition end offsets and ignores other lines", () => {
    expect(sumEndOffsets('t.a:0:120\nt.a:1:80\n\nWARN something\nt.a:2:0\n')).toBe(200);
  });
});
