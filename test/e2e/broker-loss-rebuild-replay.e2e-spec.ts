import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kafkaTopicDefaults, LocalStack, type KafkaCluster } from '@app/stack';
import { ApiClient } from '../support/api-client';
import type { ConsumerGroup } from '../support/consumer-groups';
import { bringBack, killLeaderMostNode, waitUntilLeadersMoved } from '../support/kafka-cluster-faults';
import { snapshotAnswers, waitUntilAllFinished, waitUntilProjectorCaughtUp } from '../support/job-audit';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

const BROKERS = 3;
/** Enough events that the rebuild is still replaying when the broker dies (about 4 events per job). */
const REBUILD_JOBS = 1_500;
const REPLAY_JOBS = 100;
const TEST_TIMEOUT_MS = 420_000;

interface ProjectionsStatus {
  state: string;
  rebuildId: string | null;
  error: string | null;
}

/**
 * A Kafka node SIGKILLed while a projection rebuild replays the log, and while a stage replay
 * re-runs jobs: each either finishes correctly or fails cleanly and succeeds when run again, and the
 * answers afterwards are the ones before (rebuild: identical read models; replay: the re-run's
 * outputs carry the ids they had, so no history changes).
 */
describe('broker loss during a projection rebuild and a stage replay (end to end)', () => {
  const site = new TestSite();
  let dataDir: string;
  let stack: LocalStack;
  let cluster: KafkaCluster;
  let system: SystemUnderTest;
  let api: ApiClient;

  beforeAll(async () => {
    await site.start();
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-broker-loss-'));
    await fs.promises.chmod(dataDir, 0o755);
    stack = new LocalStack();
    const endpoints = await stack.start({ dataDir, freePorts: true, fast: true, kafkaBrokers: BROKERS });
    if (!stack.kafkaCluster) throw new Error('no Kafka cluster');
    cluster = stack.kafkaCluster;
    system = await SystemUnderTest.start({
      kafkaBrokers: endpoints.kafkaBrokers,
      adminDatabaseUrl: endpoints.databaseUrl,
      services: ['gateway', 'scraper', 'projector'],
      env: {
        ...kafkaTopicDefaults(BROKERS),
        SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
      restartOnCrash: true,
    });
    api = new ApiClient(system.baseUrl);
  }, 300_000);

  afterAll(async () => {
    site.releaseDelayed();
    await system?.stop();
    await stack?.stop();
    await site.stop();
    if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  /** Submits `count` jobs for `page(i)`, 32 at a time, and waits until all have finished. */
  async function runJobs(count: number, page: (i: number) => string): Promise<string[]> {
    const ids: string[] = new Array<string>(count);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < count; i = next++)
          ids[i] = await api.submitScrape(`${site.baseUrl}${page(i)}`);
      }),
    );
    await waitUntilAllFinished(api, ids, 240_000);
    await waitUntilProjectorCaughtUp(api, 120_000);
    return ids;
  }

  async function projections(): Promise<ProjectionsStatus> {
    const response = await api.request<ProjectionsStatus>('GET', '/admin/projections');
    if (response.status !== 200) throw new Error(`GET /admin/projections: ${response.status}`);
    return response.body;
  }

  /** POST /admin/projections/rebuild, and the state it ended in (succeeded or failed). */
  async function rebuildUntilSettled(): Promise<ProjectionsStatus> {
    const started = await eventually('a rebuild to start', async () => {
      const response = await api.request<ProjectionsStatus>('POST', '/admin/projections/rebuild');
      if (response.status === 202) return response.body;
      throw new Error(`POST /admin/projections/rebuild: ${response.status} ${JSON.stringify(response.body)}`);
    });
    return eventually(
      `rebuild ${started.rebuildId ?? '?'} to succeed or fail`,
      async () => {
        const status = await projections();
        return status.rebuildId === started.rebuildId && ['succeeded', 'failed'].includes(status.state)
          ? status
          : undefined;
      },
      240_000,
    );
  }

  async function everyGroupDrained(): Promise<void> {
    await eventually(
      'every consumer group to drain',
      async () => {
        const response = await api.request<{ groups: ConsumerGroup[] }>('GET', '/admin/consumer-groups');
        if (response.status !== 200) throw new Error(`GET /admin/consumer-groups: ${response.status}`);
        const behind = response.body.groups.filter((group) => group.totalLag !== 0);
        if (behind.length === 0) return true;
        throw new Error(behind.map((group) => `${group.groupId}: lag ${group.totalLag}`).join(', '));
      },
      120_000,
    );
  }

  it(
    'rebuilds the projections correctly, or fails cleanly and rebuilds on a rerun, when a broker dies mid-rebuild',
    async () => {
      const ids = await runJobs(REBUILD_JOBS, (i) => `/article?job=rebuild-${i}`);
      const live = await snapshotAnswers(api, ids);

      const started = await api.request<ProjectionsStatus>('POST', '/admin/projections/rebuild');
      expect(started.status).toBe(202);
      const killed = await killLeaderMostNode(cluster);
      const stateAtKill = (await projections()).state;
      console.log(
        `killed Kafka node ${killed.nodeId} (leader of ${killed.ledPartitions} partitions) ` +
          `with the rebuild ${stateAtKill === 'running' ? 'running' : `already ${stateAtKill}`}`,
      );
      const first = await eventually(
        'the interrupted rebuild to succeed or fail',
        async () => {
          const status = await projections();
          return ['succeeded', 'failed'].includes(status.state) ? status : undefined;
        },
        240_000,
      );
      console.log(
        `the rebuild during the broker loss ended ${first.state}${first.error ? `: ${first.error}` : ''}`,
      );
      await waitUntilLeadersMoved(cluster, killed.nodeId);
      await bringBack(cluster, killed.node);

      // Failed cleanly: a rerun with every broker back rebuilds; succeeded: a rerun changes nothing.
      const rerun = await rebuildUntilSettled();
      expect(rerun).toMatchObject({ state: 'succeeded', error: null });
      expect(await snapshotAnswers(api, ids)).toBe(live);
      // And the live projection goes on after the swap.
      expect(
        (await api.terminal(await api.submitScrape(`${site.baseUrl}/article?job=after-rebuild`))).status,
      ).toBe('SUCCEEDED');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'replays a stage through a broker loss, or replays it again, without changing any history',
    async () => {
      const from = new Date().toISOString();
      const page = (i: number): string => `/delay/20/replay-${i}`;
      const ids = await runJobs(REPLAY_JOBS, page);
      const before = await snapshotAnswers(api, ids);
      const hitsBefore = ids.map((_, i) => site.hitCount(page(i)));
      const reRun = (): number => ids.filter((_, i) => site.hitCount(page(i)) > hitsBefore[i]).length;

      // The re-run's fetches wait on the site until the broker is dead: it dies with the replay under way.
      site.holdDelayed();
      const replay = await api.request('POST', '/admin/replay', { json: { stage: 'scrape', from } });
      expect(replay.status).toBe(202);
      await eventually('the replay to re-fetch pages', () => (site.heldCount > 0 ? true : undefined), 60_000);
      const killed = await killLeaderMostNode(cluster);
      site.releaseDelayed();
      console.log(
        `killed Kafka node ${killed.nodeId} (leader of ${killed.ledPartitions} partitions) ` +
          `with ${reRun()} of ${ids.length} replayed fetches begun`,
      );
      await waitUntilLeadersMoved(cluster, killed.nodeId);
      await bringBack(cluster, killed.node);

      const replayed = await eventually(
        'every replayed job to be re-run',
        () => (reRun() === ids.length ? true : undefined),
        120_000,
      ).catch(() => false);
      if (!replayed) {
        // Failing cleanly means the replay can simply be asked for again.
        console.log(`${ids.length - reRun()} jobs not re-run after the broker loss; replaying again`);
        const again = await api.request('POST', '/admin/replay', { json: { stage: 'scrape', from } });
        expect(again.status).toBe(202);
        await eventually(
          'every replayed job to be re-run',
          () => (reRun() === ids.length ? true : undefined),
          120_000,
        );
      }
      await everyGroupDrained();
      await waitUntilProjectorCaughtUp(api, 120_000);
      // Same version, same inputs: the re-run's outputs have the ids they had, so nothing changed.
      expect(await snapshotAnswers(api, ids)).toBe(before);
      for (const exit of system.unexpectedExits) console.log(`restarted after exit: ${JSON.stringify(exit)}`);
    },
    TEST_TIMEOUT_MS,
  );
});
