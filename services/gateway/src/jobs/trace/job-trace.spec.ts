import { MAX_TRACE_SPANS, normaliseJaegerTrace } from './job-trace';

const span = (
  spanID: string,
  startTime: number,
  duration: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  traceID: 'abc',
  spanID,
  operationName: `op ${spanID}`,
  references: [],
  startTime,
  duration,
  tags: [],
  processID: 'p1',
  ...extra,
});

describe('normaliseJaegerTrace', () => {
  it('answers offsets from the first start, parents, services and error flags, ordered by start', () => {
    const trace = normaliseJaegerTrace({
      traceID: 'abc',
      processes: { p1: { serviceName: 'gateway' }, p2: { serviceName: 'scraper' } },
      spans: [
        span('child', 1_700_000_000_000_500, 300, {
          processID: 'p2',
          references: [
            { refType: 'FOLLOWS_FROM', traceID: 'abc', spanID: 'link' },
            { refType: 'CHILD_OF', traceID: 'abc', spanID: 'root' },
          ],
          tags: [{ key: 'otel.status_code', type: 'string', value: 'ERROR' }],
        }),
        span('root', 1_700_000_000_000_000, 1000, { tags: [{ key: 'http.method', value: 'POST' }] }),
        span('late', 1_700_000_000_001_200, 100, {
          references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: 'child' }],
          tags: [{ key: 'error', type: 'bool', value: true }],
        }),
      ],
    });
    expect(trace).toEqual({
      traceId: 'abc',
      startedAt: new Date(1_700_000_000_000).toISOString(),
      durationUs: 1300,
      spanCount: 3,
      spans: [
        {
          spanId: 'root',
          parentSpanId: null,
          service: 'gateway',
          operation: 'op root',
          startOffsetUs: 0,
          durationUs: 1000,
          error: false,
        },
        {
          spanId: 'child',
          parentSpanId: 'root',
          service: 'scraper',
          operation: 'op child',
          startOffsetUs: 500,
          durationUs: 300,
          error: true,
        },
        {
          spanId: 'late',
          parentSpanId: 'child',
          service: 'gateway',
          operation: 'op late',
          startOffsetUs: 1200,
          durationUs: 100,
          error: true,
        },
      ],
    });
  });

  it('keeps nothing of Jaeger’s payload beyond its own fields', () => {
    const trace = normaliseJaegerTrace({
      traceID: 'abc',
      processes: { p1: { serviceName: 'gateway', tags: [{ key: 'host', value: 'secret-host' }] } },
      spans: [
        span('a', 10, 5, { tags: [{ key: 'job.id', value: 'j' }], logs: [{ fields: [] }], warnings: ['w'] }),
      ],
    });
    expect(JSON.stringify(trace)).not.toMatch(/secret-host|job\.id|warnings|logs/);
  });

  it('tolerates odd spans: no id is dropped, no service is unknown, bad times count as 0', () => {
    const trace = normaliseJaegerTrace({
      traceID: 'abc',
      processes: {},
      spans: [{ operationName: 'no id' }, span('a', 'soon' as unknown as number, -3), null, 'x'],
    });
    expect(trace?.spans).toEqual([
      {
        spanId: 'a',
        parentSpanId: null,
        service: 'unknown',
        operation: 'op a',
        startOffsetUs: 0,
        durationUs: 0,
        error: false,
      },
    ]);
  });

  it('is null without spans', () => {
    expect(normaliseJaegerTrace({ traceID: 'abc', spans: [] })).toBeNull();
    expect(normaliseJaegerTrace({ traceID: 'abc' })).toBeNull();
  });

  it(`answers at most ${MAX_TRACE_SPANS} spans and counts them all`, () => {
    const spans = Array.from({ length: MAX_TRACE_SPANS + 5 }, (_, i) => span(`s${i}`, 1000 + i, 1));
    const trace = normaliseJaegerTrace({ traceID: 'abc', processes: {}, spans });
    expect(trace?.spanCount).toBe(MAX_TRACE_SPANS + 5);
    expect(trace?.spans).toHaveLength(MAX_TRACE_SPANS);
    expect(trace?.spans[0].spanId).toBe('s0');
  });
});
