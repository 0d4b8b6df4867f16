import { DependencyNotConfiguredError, DependencyUnavailableError } from '../../http/api-errors';
import { JaegerTraceReader } from './jaeger-trace-reader';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const JOB_ID = '6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f';

const trace = (spans: number) => ({
  traceID: TRACE_ID,
  processes: { p1: { serviceName: 'gateway' } },
  spans: Array.from({ length: spans }, (_, i) => ({
    spanID: `s${i}`,
    operationName: 'op',
    references: [],
    startTime: 1_000_000 + i,
    duration: 10,
    tags: [],
    processID: 'p1',
  })),
});

/** A fetch that answers `status` with `body` and records the URLs asked. */
function fakeFetch(status: number, body: unknown): { fetchFn: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fetchFn = ((url: string) => {
    urls.push(url);
    return Promise.resolve(new Response(JSON.stringify(body), { status }));
  }) as unknown as typeof fetch;
  return { fetchFn, urls };
}

describe('JaegerTraceReader', () => {
  const options = { queryUrl: 'http://127.0.0.1:16686', timeoutMs: 1000 };

  it('reads a trace by the job’s trace id', async () => {
    const { fetchFn, urls } = fakeFetch(200, { data: [trace(2)] });
    const found = await new JaegerTraceReader(options, fetchFn).jobTrace(JOB_ID, TRACE_ID);
    expect(urls).toEqual([`http://127.0.0.1:16686/api/traces/${TRACE_ID}`]);
    expect(found?.spanCount).toBe(2);
  });

  it('searches by the job.id tag when the job has no trace id, and takes the largest trace found', async () => {
    const { fetchFn, urls } = fakeFetch(200, { data: [trace(1), trace(3)] });
    const found = await new JaegerTraceReader(options, fetchFn).jobTrace(JOB_ID, null);
    const url = new URL(urls[0]);
    expect(url.pathname).toBe('/api/traces');
    expect(url.searchParams.get('service')).toBe('gateway');
    expect(JSON.parse(url.searchParams.get('tags') ?? '')).toEqual({ 'job.id': JOB_ID });
    expect(found?.spanCount).toBe(3);
  });

  it('is null when Jaeger has no such trace (404 or no data)', async () => {
    const notFound = fakeFetch(404, { data: null, errors: [{ code: 404, msg: 'trace not found' }] });
    expect(await new JaegerTraceReader(options, notFound.fetchFn).jobTrace(JOB_ID, TRACE_ID)).toBeNull();
    const empty = fakeFetch(200, { data: [] });
    expect(await new JaegerTraceReader(options, empty.fetchFn).jobTrace(JOB_ID, null)).toBeNull();
  });

  it('is DependencyNotConfiguredError without JAEGER_QUERY_URL (nothing to retry)', async () => {
    const reader = new JaegerTraceReader({ queryUrl: undefined, timeoutMs: 1000 });
    expect(reader.configured).toBe(false);
    const refusal = reader.jobTrace(JOB_ID, TRACE_ID);
    await expect(refusal).rejects.toBeInstanceOf(DependencyNotConfiguredError);
    await expect(refusal).rejects.toThrow(/JAEGER_QUERY_URL/);
  });

  it('is DependencyUnavailableError when failing, answering an error or not JSON', async () => {
    const refused = (() => Promise.reject(new TypeError('fetch failed'))) as unknown as typeof fetch;
    await expect(new JaegerTraceReader(options, refused).jobTrace(JOB_ID, TRACE_ID)).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    const failing = fakeFetch(500, { errors: ['boom'] });
    await expect(
      new JaegerTraceReader(options, failing.fetchFn).jobTrace(JOB_ID, TRACE_ID),
    ).rejects.toBeInstanceOf(DependencyUnavailableError);
    const html = (() => Promise.resolve(new Response('<html>', { status: 200 }))) as unknown as typeof fetch;
    await expect(new JaegerTraceReader(options, html).jobTrace(JOB_ID, TRACE_ID)).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('gives up after its timeout', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new Error('aborted by the timeout')));
      })) as unknown as typeof fetch;
    const reader = new JaegerTraceReader({ ...options, timeoutMs: 100 }, hanging);
    await expect(reader.jobTrace(JOB_ID, TRACE_ID)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
