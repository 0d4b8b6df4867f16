import { Topics } from '@app/contracts';
import { consumerGroup } from '../support/consumer-groups';
import { useSystemUnderTest } from '../support/e2e-system';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

/** The part of `POST /admin/replay`'s answer these tests read. */
type ReplayAccepted = { groups: { groupId: string; mode: string }[] };
type Envelope = { id: string; type: string; run?: number; data: Record<string, unknown> };

const PAGE = (title: string): string => `<html><head><title>${title}</title></head><body></body></html>`;

/**
 * Re-running work: `POST /jobs/{id}/retry` (a new run of one job), `POST /admin/replay` for one job
 * from a stage, and a stage replay from a time, both with the stage stopped (its group's offsets are
 * reset, as kafka-consumer-groups does) and running (its members rewind), with dedup for the same
 * stage version and superseding results for a new one.
 */
describe('re-runs and stage replay (end to end)', () => {
  const site = new TestSite();

  const events = async (id: string): Promise<Envelope[]> =>
    (await e2e.api.request<Envelope[]>('GET', `/jobs/${id}/events`)).body;

  const e2e = useSystemUnderTest({
    site,
    env: { SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1', RETRY_BASE_DELAY_MS: '100', SCRAPER_TIMEOUT_MS: '5000' },
  });

  it('retries a failed job as its next run; the history keeps both runs', async () => {
    site.serve('/flaky-then-fixed', { status: 404, body: 'gone' });
    const id = await e2e.api.submitScrape(`${site.baseUrl}/flaky-then-fixed`);
    const failed = await e2e.api.terminal(id);
    expect(failed).toMatchObject({ status: 'FAILED', run: 0, error: { code: 'HTTP_404' } });

    // The page is fixed, but slow: the job is still running when the second retry arrives.
    site.serve('/flaky-then-fixed', { status: 200, body: PAGE('Fixed'), delayMs: 1500 });
    const retried = await e2e.api.request('POST', `/jobs/${id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ id, status: 'PENDING', run: 1, stage: 'scrape', republished: 1 });
    expect((await e2e.api.job(id)).status).toMatch(/PENDING|RUNNING/);

    const again = await e2e.api.request('POST', `/jobs/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');

    const done = await e2e.api.terminal(id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', run: 1, error: null, result: { title: 'Fixed' } });
    const history = await events(id);
    // An attempt that runs over a second on a loaded machine also reports progress: not part of the story.
    const steps = history.filter((e) => e.type !== 'StageProgressed' && e.type !== 'StageLogged');
    expect(steps.map((e) => `${e.type}:${e.run ?? 0}`)).toEqual([
      'JobRequested:0',
      'StageStarted:0',
      'StageFailed:0',
      'JobRequested:1',
      'StageStarted:1',
      'StageCompleted:1',
    ]);
    expect(new Set(history.map((e) => e.id)).size).toBe(history.length);
  });

  it('answers 404 and 400 for re-runs it cannot do', async () => {
    expect((await e2e.api.request('POST', '/jobs/00000000-0000-4000-8000-000000000000/retry')).status).toBe(
      404,
    );
    expect((await e2e.api.request('POST', '/jobs/not-a-uuid/retry')).status).toBe(404);
    const id = await e2e.api.submitScrape(`${site.baseUrl}/article`);
    await e2e.api.terminal(id);
    const bad: unknown[] = [
      {},
      { stage: 'scrape' },
      { stage: 'nope', from: 'earliest' },
      { stage: 'scrape', from: 'yesterday' },
      { stage: 'scrape', from: 'earliest', jobId: id },
      { stage: 'scrape', jobId: 'x' },
      { stage: 'classify', jobId: id },
      [],
    ];
    for (const body of bad) {
      const response = await e2e.api.request('POST', '/admin/replay', { json: body });
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('replays a stopped stage from the beginning with a new version: results supersede, history keeps both', async () => {
    site.serve('/versioned', { status: 200, body: PAGE('Versioned') });
    const id = await e2e.api.submitScrape(`${site.baseUrl}/versioned`);
    const first = await e2e.api.terminal(id);
    expect(first).toMatchObject({ status: 'SUCCEEDED', stages: [{ stageVersion: 'scraper@1' }] });
    const hits = site.hitCount('/versioned');

    await e2e.system.supervisor.stop('scraper');
    // A consumer that just left may keep the group in PreparingRebalance/Stable briefly.
    const replay = await eventually(
      'the scraper group to be idle and reset',
      async () => {
        const response = await e2e.api.request<{ groups: { groupId: string; mode: string }[] }>(
          'POST',
          '/admin/replay',
          {
            json: { stage: 'scrape', from: 'earliest' },
          },
        );
        expect(response.status).toBe(202);
        return response.body.groups.every((g) => g.mode === 'reset') ? response.body : undefined;
      },
      90_000,
    );
    expect(replay.groups.map((g) => g.groupId)).toContain('scraper');

    e2e.system.startService('scraper', undefined, { STAGE_VERSION: 'scraper@2' });
    const superseded = await eventually(
      'the job to carry the new version’s result',
      async () => {
        const job = await e2e.api.job(id);
        const stages = job.stages as { stageVersion: string; status: string }[];
        return job.status === 'SUCCEEDED' &&
          stages[0]?.stageVersion === 'scraper@2' &&
          stages[0].status === 'SUCCEEDED'
          ? job
          : undefined;
      },
      90_000,
    );
    expect(superseded).toMatchObject({ result: { title: 'Versioned' }, run: 0 });
    expect(new Date(superseded.finishedAt as string).getTime()).toBeGreaterThan(
      new Date(first.finishedAt as string).getTime(),
    );
    expect(site.hitCount('/versioned')).toBeGreaterThan(hits);
    const completions = (await events(id)).filter((e) => e.type === 'StageCompleted');
    expect(completions.map((e) => e.data.stageVersion)).toEqual(['scraper@1', 'scraper@2']);
  }, 300_000);

  it('replays a running stage: its members rewind, and the same version dedupes its results', async () => {
    const before = new Date().toISOString();
    site.serve('/live-replay', { status: 200, body: PAGE('Live') });
    const id = await e2e.api.submitScrape(`${site.baseUrl}/live-replay`);
    await e2e.api.terminal(id);
    const history = await events(id);
    const hits = site.hitCount('/live-replay');

    const response = await e2e.api.request<ReplayAccepted>('POST', '/admin/replay', {
      json: { stage: 'scrape', from: before },
    });
    expect(response.status).toBe(202);
    expect(response.body.groups.some((g) => g.mode === 'members')).toBe(true);

    // The stage fetched the page again (it re-ran), but its outputs have the ids they had: nothing new.
    await eventually('the scraper to re-run the job', async () =>
      site.hitCount('/live-replay') > hits ? true : undefined,
    );
    // Settled on the replayed job itself: the stage's groups committed past the replayed records
    // (a batch commits after its outputs are acknowledged), then the projector committed past all of
    // scrape.events as it is after that (it commits after folding), so the re-run's outputs are folded.
    const stageGroups = response.body.groups.map((group) => group.groupId);
    await eventually('the stage to commit past the replayed records', async () => {
      const groups = await Promise.all(stageGroups.map((groupId) => consumerGroup(e2e.api, groupId)));
      return groups.every((group) => group !== undefined && group.totalLag === 0) ? true : undefined;
    });
    await eventually('the projector to fold everything on scrape.events', async () => {
      const projector = await consumerGroup(e2e.api, 'projector');
      const partitions = projector?.partitions.filter((p) => p.topic === Topics.ScrapeEvents) ?? [];
      return partitions.length > 0 && partitions.every((p) => p.lag === 0) ? true : undefined;
    });
    expect(await events(id)).toEqual(history);
  });
});
