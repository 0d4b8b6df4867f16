import { findFreePorts } from '@app/stack';
import { useSystemUnderTest } from '../support/e2e-system';
import { SseClient, type ReceivedEvent } from '../support/sse-client';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

interface Envelope {
  id: string;
  type: string;
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/**
 * Live streams (Server-Sent Events) end to end: what a stream sends is what the projection committed,
 * in order, each event once, across a cut and a resume, and across gateway replicas.
 */
describe('live job streams (end to end)', () => {
  const site = new TestSite();
  const e2e = useSystemUnderTest({
    site,
    env: {
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      SCRAPER_TIMEOUT_MS: '1500',
      RETRY_MAX_ATTEMPTS: '4',
      RETRY_BASE_DELAY_MS: '300',
      STREAM_HEARTBEAT_MS: '500',
    },
  });

  const streamUrl = (id: string, query = ''): string => `${e2e.system.baseUrl}/jobs/${id}/stream${query}`;
  const historyOf = async (id: string): Promise<Envelope[]> =>
    (await e2e.api.request<Envelope[]>('GET', `/jobs/${id}/events`)).body;
  const jobEvents = (events: ReceivedEvent[]): ReceivedEvent[] =>
    events.filter((e) => e.event !== 'job' && e.event !== 'end' && e.event !== 'reset');

  it('streams a flaky job: its state, then its attempts in order, then the end, and closes', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/flaky/stream`);
    const stream = await SseClient.open(streamUrl(id));
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toContain('text/event-stream');
    await Promise.race([
      stream.ended,
      eventually('stream end', () => (stream.closed ? true : undefined), 60_000),
    ]);
    const [first, ...rest] = stream.events;
    expect(first.event).toBe('job');
    expect(first.data).toMatchObject({ id, type: 'scrape' });
    const last = rest[rest.length - 1];
    expect(last.event).toBe('end');
    expect(last.data).toMatchObject({ id, status: 'SUCCEEDED', attempts: 3 });
    const events = jobEvents(rest);
    // In commit order: the request (jobs.requested) and the first StageStarted (scrape.events) are
    // on two topics and may be folded either way round; the attempts keep their order.
    expect(events.filter((e) => e.event === 'JobRequested')).toHaveLength(1);
    // Progress of an attempt slower than a second (a loaded machine) is not part of this story.
    const reports = new Set(['JobRequested', 'StageProgressed', 'StageLogged']);
    expect(events.filter((e) => !reports.has(e.event)).map((e) => e.event)).toEqual([
      'StageStarted',
      'StageAttemptFailed',
      'StageStarted',
      'StageAttemptFailed',
      'StageStarted',
      'StageCompleted',
    ]);
    // Each event's data is the item GET /jobs/{id}/events shows; its id: is the event's id, each once.
    const history = await historyOf(id);
    expect([...events.map((e) => e.data)].sort(byId)).toEqual([...history].sort(byId));
    expect(events.map((e) => e.id)).toEqual(events.map((e) => (e.data as { id: string }).id));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // The job is the one GET /jobs/{id} shows.
    expect(last.data).toEqual(await e2e.api.job(id));
    // The gateway measured how long after each notification the stream's frames were written.
    const metrics = (await e2e.api.request<string>('GET', '/metrics')).body;
    const delivered = /^live_stream_delivery_seconds_count\{[^}]*kind="job"[^}]*\} (\d+)/m.exec(metrics);
    expect(Number(delivered?.[1])).toBeGreaterThan(0);
  });

  it('resumes a stream cut mid-way with Last-Event-ID (or lastEventId) without gap or repeat', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/flaky/resume`);
    const first = await SseClient.open(streamUrl(id));
    await eventually('two events on the first stream', () =>
      jobEvents(first.events).length >= 2 ? true : undefined,
    );
    first.close();
    const seen = jobEvents(first.events);
    const lastId = seen[seen.length - 1].id ?? '';
    const resumed = await SseClient.open(streamUrl(id), { 'Last-Event-ID': lastId });
    await eventually('the resumed stream to end', () => (resumed.closed ? true : undefined), 60_000);
    expect(resumed.events[0].event).toBe('job');
    expect(resumed.events[resumed.events.length - 1].event).toBe('end');
    const all = [...seen, ...jobEvents(resumed.events)].map((e) => e.data as Envelope);
    const history = await historyOf(id);
    expect(all.map((e) => e.id).sort()).toEqual(history.map((e) => e.id).sort());
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);

    // The query parameter does the same for clients that cannot set headers.
    const byQuery = await SseClient.open(streamUrl(id, `?lastEventId=${encodeURIComponent(lastId)}`));
    await eventually('the query-resumed stream to end', () => (byQuery.closed ? true : undefined));
    expect(jobEvents(byQuery.events).map((e) => e.id)).toEqual(jobEvents(resumed.events).map((e) => e.id));
  });

  it('sends heartbeats while a job waits', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/delay/2500/heartbeat`);
    const stream = await SseClient.open(streamUrl(id));
    await eventually(
      'a heartbeat comment',
      () => (stream.comments.includes('hb') ? true : undefined),
      10_000,
    );
    await eventually('the end', () => (stream.closed ? true : undefined), 60_000);
  });

  it('answers an unknown job with 404 and a bad resume id or filter with 400, as problem+json', async () => {
    const unknown = await e2e.api.request('GET', '/jobs/6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f/stream');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const id = await e2e.api.submitScrape(`${site.baseUrl}/article`);
    const badId = await e2e.api.request('GET', `/jobs/${id}/stream`, { headers: { 'Last-Event-ID': 'x' } });
    expect(badId.status).toBe(400);
    // A well-formed event id that is not one of this job's events.
    const foreignId = await e2e.api.request('GET', `/jobs/${id}/stream`, {
      headers: { 'Last-Event-ID': '0b5e3c7a-3f1d-5c1e-8f7a-2a9d6c4b1e0f' },
    });
    expect(foreignId.status).toBe(400);
    expect(foreignId.body).toMatchObject({ errors: [{ path: 'header.Last-Event-ID' }] });
    const badFilter = await e2e.api.request('GET', '/jobs/stream?status=DONE');
    expect(badFilter.status).toBe(400);
    expect(badFilter.headers.get('content-type')).toContain('application/problem+json');
  });

  it('shows a dashboard stream jobs changing status, filtered by type', async () => {
    const dashboard = await SseClient.open(`${e2e.system.baseUrl}/jobs/stream?type=scrape`);
    const risky = await SseClient.open(`${e2e.system.baseUrl}/jobs/stream?type=risk`);
    expect(dashboard.status).toBe(200);
    const id = await e2e.api.submitScrape(`${site.baseUrl}/flaky/dashboard`);
    await eventually(
      'the dashboard to see the job succeed',
      () =>
        dashboard.events.some(
          (e) =>
            (e.data as { id: string; status: string }).id === id &&
            e.data &&
            (e.data as { status: string }).status === 'SUCCEEDED',
        )
          ? true
          : undefined,
      60_000,
    );
    const statuses = dashboard.events
      .filter((e) => (e.data as { id: string }).id === id)
      .map((e) => (e.data as { status: string }).status);
    expect(statuses[0]).not.toBe('SUCCEEDED');
    expect(statuses).toContain('RUNNING');
    expect(dashboard.events.every((e) => e.event === 'job')).toBe(true);
    expect(risky.events.some((e) => (e.data as { id: string }).id === id)).toBe(false);
    dashboard.close();
    risky.close();
  });

  it('streams on one gateway replica a job submitted through another', async () => {
    const [port] = await findFreePorts(1);
    e2e.system.startService('gateway', 2, { GATEWAY_PORT: String(port) });
    const other = `http://127.0.0.1:${port}`;
    await eventually(
      'the second gateway to be ready',
      async () => ((await fetch(`${other}/health/ready`)).status === 200 ? true : undefined),
      60_000,
    );
    const id = await e2e.api.submitScrape(`${site.baseUrl}/flaky/replica`);
    // Opened right after the 202, on the other replica: read-your-writes shows it PENDING at once.
    const stream = await SseClient.open(`${other}/jobs/${id}/stream`);
    expect(stream.status).toBe(200);
    await eventually(
      'the stream on the other replica to end',
      () => (stream.closed ? true : undefined),
      60_000,
    );
    expect(stream.events[0]).toMatchObject({ event: 'job', data: { id } });
    const end = stream.events[stream.events.length - 1];
    expect(end).toMatchObject({ event: 'end', data: { id, status: 'SUCCEEDED' } });
    expect(TERMINAL).toContain((end.data as { status: string }).status);
    const streamed = jobEvents(stream.events).map((e) => (e.data as Envelope).id);
    expect(streamed.sort()).toEqual((await historyOf(id)).map((e) => e.id).sort());
  });
});

function byId(a: unknown, b: unknown): number {
  const left = (a as Envelope).id;
  const right = (b as Envelope).id;
  return left < right ? -1 : left > right ? 1 : 0;
}
