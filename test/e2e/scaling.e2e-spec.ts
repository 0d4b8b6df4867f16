import { consumerGroup, partitionsOf, sharesAllPartitions } from '../support/consumer-groups';
import { useSystemUnderTest } from '../support/e2e-system';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

/**
 * Three scraper replicas in one consumer group share the twelve partitions; one is SIGKILLed while
 * jobs are in flight, the others take its partitions over, and every job completes exactly once.
 */
describe('scaling a stage (end to end)', () => {
  const site = new TestSite();
  let replicas: string[];

  const e2e = useSystemUnderTest({
    site,
    services: ['gateway', 'projector'],
    env: {
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      // Few jobs in flight per replica, so the work is spread and the killed one has some unfinished.
      STAGE_CONCURRENCY: '1',
      STAGE_PARTITIONS_CONCURRENTLY: '2',
      // The group notices the killed replica after this long (the minimum Kafka allows is 6 s).
      KAFKA_SESSION_TIMEOUT_MS: '8000',
    },
  });
  beforeAll(async () => {
    replicas = e2e.system.startReplicas('scraper', 3);
  });

  const submitAll = (from: number, count: number): Promise<string[]> =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        e2e.api.submitScrape(`${site.baseUrl}/delay/1000/job-${from + i}`),
      ),
    );

  const succeeded = async (ids: string[]): Promise<number> => {
    const jobs = await Promise.all(ids.map((id) => e2e.api.job(id)));
    return jobs.filter((job) => job.status === 'SUCCEEDED').length;
  };

  it('shares the partitions among three replicas and loses no job, nor runs one twice, when one is killed', async () => {
    const group = await eventually(
      'three scraper replicas holding all 12 partitions of scrape.requested',
      async () => {
        const found = await consumerGroup(e2e.api, 'scraper');
        return sharesAllPartitions(found, 3, 'scrape.requested') ? found : undefined;
      },
      90_000,
    );
    expect(group.members.map((member) => member.clientId).sort()).toEqual([
      'scraper-1',
      'scraper-2',
      'scraper-3',
    ]);
    const held = partitionsOf(group, 'scrape.requested');
    for (const partitions of held) expect(partitions.length).toBeGreaterThan(0);
    expect(held.flat().sort((a, b) => a - b)).toEqual([...Array(12).keys()]);

    const all = await e2e.api.request<{ groups: { groupId: string }[] }>(
      'GET',
      '/admin/consumer-groups?all=true',
    );
    const controlGroups = all.body.groups.filter((g) => g.groupId.startsWith('scraper.control.'));
    expect(controlGroups).toHaveLength(3);
    const bad = await e2e.api.request('GET', '/admin/consumer-groups?all=yes');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const first = await submitAll(0, 60);
    await eventually(
      'a few jobs done before the kill',
      async () => ((await succeeded(first)) >= 8 ? true : undefined),
      60_000,
    );
    expect(await succeeded(first)).toBeLessThan(first.length);
    await e2e.system.supervisor.kill(replicas[1], 'SIGKILL');
    const second = await submitAll(60, 30);
    const ids = [...first, ...second];

    const survivors = await eventually(
      'the two surviving replicas to take over all 12 partitions',
      async () => {
        const found = await consumerGroup(e2e.api, 'scraper');
        return sharesAllPartitions(found, 2, 'scrape.requested') ? found : undefined;
      },
      90_000,
    );
    expect(survivors.members.map((member) => member.clientId).sort()).toEqual(['scraper-1', 'scraper-3']);

    const jobs = await Promise.all(ids.map((id) => e2e.api.terminal(id, 120_000)));
    expect(jobs.map((job) => job.status)).toEqual(ids.map(() => 'SUCCEEDED'));
    for (const id of ids) {
      const events = (await e2e.api.request<{ id: string; type: string }[]>('GET', `/jobs/${id}/events`))
        .body;
      expect(events.filter((event) => event.type === 'StageCompleted')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'StageFailed')).toHaveLength(0);
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    }
  });
});
