import { useSystemUnderTest } from '../support/e2e-system';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

interface ProjectionsStatus {
  state: string;
  rebuildId: string | null;
  eventsRead: number;
  eventsApplied: number;
  eventsTotal: number;
  progress: number | null;
  eventsPerSecond: number | null;
  error: string | null;
  lag: { group: string; total: number; perTopic: Record<string, number> } | null;
}

/**
 * Projection rebuild through the real services: jobs run end to end, then `POST /admin/projections/rebuild`
 * on the gateway (forwarded to the projector) replays the log into a shadow schema and swaps it in;
 * every answer of the API about the jobs is the same afterwards.
 */
describe('projection rebuild (end to end)', () => {
  const site = new TestSite();
  const ids: string[] = [];

  const e2e = useSystemUnderTest({
    site,
    services: ['gateway', 'scraper', 'projector'],
    env: {
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      SCRAPER_TIMEOUT_MS: '1500',
      RETRY_MAX_ATTEMPTS: '4',
      RETRY_BASE_DELAY_MS: '100',
    },
  });
  beforeAll(async () => {
    // A page trickling in for 1.2 s: its job reports progress and a log line (projected into jobs.progress).
    const paths = [
      '/article',
      '/missing',
      '/flaky/rebuild',
      '/no-title',
      '/redirect/3',
      '/legacy',
      '/json',
      '/trickle/1200/',
    ];
    for (const path of paths) ids.push(await e2e.api.submitScrape(`${site.baseUrl}${path}`));
    ids.push(await e2e.api.submitScrape(`${site.baseUrl}/base`, { 'Idempotency-Key': 'rebuild-e2e' }));
    for (const id of ids) await e2e.api.terminal(id);
  });

  /** Every job, its events, and the job list, as the API returns them. */
  async function snapshot(): Promise<string> {
    const out: unknown[] = [];
    for (const id of ids) {
      out.push(
        await e2e.api.request('GET', `/jobs/${id}`),
        await e2e.api.request('GET', `/jobs/${id}/events`),
        await e2e.api.request('GET', `/jobs/${id}/logs`),
      );
    }
    out.push(await e2e.api.request('GET', '/jobs?limit=200'), await e2e.api.request('GET', '/jobs?limit=3'));
    return JSON.stringify(
      out.map((r) =>
        (r as { status: number; body: unknown }).status === 200 ? (r as { body: unknown }).body : r,
      ),
    );
  }

  const status = async (): Promise<ProjectionsStatus> => {
    const response = await e2e.api.request<ProjectionsStatus>('GET', '/admin/projections');
    expect(response.status).toBe(200);
    return response.body;
  };

  it('reports the projector lag before any rebuild', async () => {
    const before = await eventually('the projector to catch up', async () => {
      const current = await status();
      return current.lag?.total === 0 ? current : undefined;
    });
    expect(before).toMatchObject({ state: 'idle', rebuildId: null, lag: { group: 'projector', total: 0 } });
  });

  it('rebuilds every read model from the log, with identical answers afterwards', async () => {
    const trickled = await e2e.api.job(ids[7]);
    expect(trickled.progress).toMatchObject({ stage: 'scrape', unit: 'bytes' });
    const before = await snapshot();
    const started = await e2e.api.request<ProjectionsStatus>('POST', '/admin/projections/rebuild');
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe('/admin/projections');
    expect(started.body).toMatchObject({ state: 'running', rebuildId: expect.any(String) });

    const again = await e2e.api.request<{ status: number; title: string }>(
      'POST',
      '/admin/projections/rebuild',
    );
    if (again.status === 409) {
      expect(again.headers.get('content-type')).toContain('application/problem+json');
      expect(again.body).toMatchObject({ status: 409, title: 'Conflict' });
    } else {
      // Only when the first rebuild was already over (a tiny log can replay within one round trip).
      expect(again.status).toBe(202);
    }

    const done = await eventually(
      'the rebuild to succeed',
      async () => {
        const current = await status();
        if (current.state === 'failed') throw new Error(`rebuild failed: ${current.error}`);
        return current.state === 'succeeded' ? current : undefined;
      },
      60_000,
    );
    expect(done.eventsApplied).toBeGreaterThanOrEqual(ids.length * 3);
    expect(done.eventsTotal).toBeGreaterThanOrEqual(done.eventsApplied);
    expect(done.eventsPerSecond).toBeGreaterThan(0);
    expect(done.error).toBeNull();
    expect(await snapshot()).toBe(before);
  });

  it('keeps working after the swap: new jobs project, idempotency keys survived', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/article`);
    expect(await e2e.api.terminal(id)).toMatchObject({ status: 'SUCCEEDED' });
    const replay = await e2e.api.submit(
      { type: 'scrape', input: { url: `${site.baseUrl}/base` } },
      { 'Idempotency-Key': 'rebuild-e2e' },
    );
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(ids[ids.length - 1]);
  });

  it('answers 503 problem+json when the projector is unreachable', async () => {
    await e2e.system.supervisor.stop('projector');
    const response = await e2e.api.request('GET', '/admin/projections');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect((await e2e.api.request('POST', '/admin/projections/rebuild')).status).toBe(503);
  });
});
