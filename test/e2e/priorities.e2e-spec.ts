import { Kafka, logLevel } from 'kafkajs';
import { encodeGrayPng, solidGray } from '@app/documents/testing';
import { useSystemUnderTest } from '../support/e2e-system';
import { bearer } from '../support/test-keys';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

const SLOTS = 2;
const LOW_JOBS = 60;
const HIGH_JOBS = 5;
/** How long the site takes to answer a low job's page: one slot runs at most 1/0.75 s of low jobs. */
const LOW_PAGE_MS = 750;
/** The high jobs must all finish before this many of the low jobs have. */
const LOW_FINISHED_AT_MOST = LOW_JOBS - 20;

/**
 * Priorities under a backlog: the scraper has SLOTS concurrency slots and a backlog of LOW_JOBS
 * low-priority jobs, the first of them fetched and waiting for a slot; then HIGH_JOBS high-priority
 * jobs arrive. They must overtake the backlog.
 *
 * Why this cannot flake: the low jobs are all in Kafka before the scraper starts, so its first fetch
 * brings several low batches at once, and the site holds every low page until the high jobs were
 * accepted: however slowly anything runs, no low job finishes before the high ones exist, and both
 * slots are busy with held low pages (the test waits for that). From the release on, a slot runs a
 * low job for at least LOW_PAGE_MS. The high jobs have a consumer group of their own, never behind the
 * low backlog: it polls every ~100 ms, and a freed slot goes to a high job it has fetched before any
 * low one. Low jobs can take a slot only while no fetched high job waits: before the first high fetch
 * (2 slots per LOW_PAGE_MS), and, since KafkaJS fetches again only after the previous fetch's batches
 * are done, once per high fetch round (at most one round per high job: 5 rounds x 2 slots). So about
 * 2 held + 10 + 2 per 0.75 s of fetch delay low jobs can finish first; more than LOW_FINISHED_AT_MOST
 * (40) needs the first fetch to take over 10 s, far above normal (a typical run lets 2-4 through).
 * High jobs (a local page) take milliseconds once started. Without priority topics the high requests
 * would be fetched only after the whole first fetch (all 60 low jobs) was done.
 */
describe('priorities (end to end)', () => {
  const site = new TestSite();

  const e2e = useSystemUnderTest({
    site,
    // The scraper starts once the backlog is in Kafka.
    services: ['gateway', 'projector'],
    env: {
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      STAGE_CONCURRENCY: String(SLOTS),
      // Held pages must not time out while the test submits the high jobs.
      SCRAPER_TIMEOUT_MS: '60000',
    },
  });

  async function submit(priority: 'high' | 'low', path: string): Promise<string> {
    const response = await e2e.api.submit({
      type: 'scrape',
      input: { url: `${site.baseUrl}${path}` },
      priority,
    });
    if (response.status !== 202)
      throw new Error(`submit: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  }

  it('runs newly submitted high-priority jobs before a backlog of low-priority ones', async () => {
    site.holdDelayed();
    const lowIds: string[] = [];
    for (let i = 0; i < LOW_JOBS; i += 10) {
      const group = Array.from({ length: 10 }, (_, j) => submit('low', `/delay/${LOW_PAGE_MS}/low-${i + j}`));
      lowIds.push(...(await Promise.all(group)));
    }
    e2e.system.startService('scraper');
    // Every slot is busy with a low job (and no more than that run at once); more wait for a slot.
    await eventually(
      'the scraper to be busy with low jobs',
      () => (site.heldCount >= SLOTS ? true : undefined),
      60_000,
    );
    expect(site.heldCount).toBe(SLOTS);

    const highIds = await Promise.all(
      Array.from({ length: HIGH_JOBS }, (_, i) => submit('high', `/article?high=${i}`)),
    );
    site.releaseDelayed();

    const jobs = await Promise.all([...highIds, ...lowIds].map((id) => e2e.api.terminal(id, 180_000)));
    for (const job of jobs) expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const high = jobs.slice(0, HIGH_JOBS);
    expect(high.map((job) => job.priority)).toEqual(Array(HIGH_JOBS).fill('high'));
    const finished = (job: Record<string, unknown>): number => Date.parse(job.finishedAt as string);
    const lastHigh = Math.max(...high.map(finished));
    const lowsBeforeLastHigh = jobs.slice(HIGH_JOBS).filter((job) => finished(job) < lastHigh).length;
    expect(lowsBeforeLastHigh).toBeLessThanOrEqual(LOW_FINISHED_AT_MOST);
  });

  /** Messages in a topic of this system (all partitions). */
  async function messagesIn(topic: string): Promise<number> {
    const admin = new Kafka({
      clientId: 'priorities-e2e',
      brokers: [e2e.system.env.KAFKA_BROKERS!],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(e2e.system.topicPrefix + topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  }

  function uploadDocument(fields: Record<string, string>): Promise<Response> {
    const form = new FormData();
    form.append('file', new Blob([encodeGrayPng(solidGray(8, 8, 200))]), 'page.png');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return fetch(`${e2e.system.baseUrl}/documents`, { method: 'POST', body: form, headers: bearer() });
  }

  it('publishes each request to its type’s and priority’s topic, documents included, and refuses unknown priorities', async () => {
    // The first test put HIGH_JOBS high and LOW_JOBS low scrape requests, and no normal one.
    expect(await messagesIn('scrape.requested.high')).toBe(HIGH_JOBS);
    expect(await messagesIn('scrape.requested.low')).toBe(LOW_JOBS);
    expect(await messagesIn('scrape.requested')).toBe(0);

    const low = await uploadDocument({ priority: 'low' });
    expect(low.status).toBe(202);
    const plain = await uploadDocument({});
    expect(plain.status).toBe(202);
    expect(await messagesIn('documents.requested.low')).toBe(1);
    expect(await messagesIn('documents.requested')).toBe(1);
    expect(await messagesIn('scrape.requested.low')).toBe(LOW_JOBS);
    // The shared request topics of before per-type topics get nothing new.
    for (const shared of ['jobs.requested.high', 'jobs.requested', 'jobs.requested.low']) {
      expect(await messagesIn(shared)).toBe(0);
    }
    const lowId = ((await low.json()) as { id: string }).id;
    await eventually(`document job ${lowId} to be listed as low priority`, async () =>
      (await e2e.api.job(lowId)).priority === 'low' ? true : undefined,
    );

    const invalid = await uploadDocument({ priority: 'urgent' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(((await invalid.json()) as { errors: unknown }).errors).toEqual([
      { path: 'priority', message: expect.stringContaining('high, normal, low') },
    ]);
  });
});
