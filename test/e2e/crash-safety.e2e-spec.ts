import { Client } from 'pg';
import { ApiClient } from '../support/api-client';
import {
  historyProblems,
  rebuildProjections,
  snapshotAnswers,
  waitUntilAllFinished,
  waitUntilProjectorCaughtUp,
  type JobBody,
} from '../support/job-audit';
import { SeededRandom } from '../support/seeded-random';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

const JOBS_PER_STREAM = 150;
const KILLS = 3;
/** Pause between two submissions: the stream lasts long enough for every kill to land inside it. */
const SUBMIT_EVERY_MS = 120;
/**
 * Each test restarts a Node service three times; on a loaded 2-core machine one start alone has taken
 * 25 s (module loading), so the test gets far more than Jest's default.
 */
const TEST_TIMEOUT_MS = 360_000;

interface AcceptedJob {
  id: string;
  page: string;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Crash safety of the real processes: while a stream of scrape jobs is submitted, the scraper (then,
 * separately, the projector) is SIGKILLed at random moments and restarted, several times. Afterwards
 * every accepted job has succeeded, its history holds every event exactly once and exactly one
 * result, and the read models equal a rebuild from the log. The moments come from a seeded PRNG: the
 * seed is printed, and CRASH_TEST_SEED=<seed> replays a run's choices.
 */
describe('crash safety: SIGKILL during a stream of jobs (end to end)', () => {
  const site = new TestSite();
  const random = SeededRandom.fromEnv('CRASH_TEST_SEED');
  let system: SystemUnderTest;
  let api: ApiClient;
  let db: Client;

  beforeAll(async () => {
    console.log(`crash-safety seed ${random.seed} (replay with CRASH_TEST_SEED=${random.seed})`);
    await site.start();
    system = await SystemUnderTest.start({
      services: ['gateway', 'scraper', 'projector'],
      env: {
        SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
        SCRAPER_TIMEOUT_MS: '20000',
        RETRY_MAX_ATTEMPTS: '4',
        RETRY_BASE_DELAY_MS: '100',
        // A killed consumer never leaves its group: the broker frees its partitions after this.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
    });
    api = new ApiClient(system.baseUrl);
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await system?.stop();
    await site.stop();
  });

  /** A third of the pages answer slowly (work in flight), a tenth fail twice before answering (retries). */
  function pageOfStream(label: string, i: number): string {
    if (i % 3 === 0) return `/delay/${random.int(300, 1500)}/${label}-${i}`;
    if (i % 10 === 1) return `/flaky/${label}-${i}`;
    return `/article?job=${label}-${i}`;
  }

  /**
   * Submits a stream of jobs (at least JOBS_PER_STREAM, and on until the last kill, so every kill lands
   * inside the stream) while killing `victim` KILLS times at random moments (the scraper only while a
   * slow fetch is in flight) and restarting it after a random pause. Returns the accepted jobs.
   */
  async function streamWithKills(victim: 'scraper' | 'projector', label: string): Promise<AcceptedJob[]> {
    const accepted: AcceptedJob[] = [];
    const started = Date.now();
    let killing = true;
    const stream = (async () => {
      for (let i = 0; killing || i < JOBS_PER_STREAM; i++) {
        const page = pageOfStream(label, i);
        accepted.push({ id: await api.submitScrape(`${site.baseUrl}${page}`), page });
        await pause(SUBMIT_EVERY_MS);
      }
    })();
    // Surfaced by `await stream` below; meanwhile a failed submission must not go unobserved.
    stream.catch(() => undefined);
    try {
      for (let kill = 1; kill <= KILLS; kill++) {
        await pause(random.int(300, 2500));
        if (victim === 'scraper') {
          await eventually('a slow fetch to be in flight', () =>
            site.delayedInFlight > 0 ? true : undefined,
          );
        }
        const exit = await system.kill(victim);
        expect(exit.signal).toBe('SIGKILL');
        console.log(
          `killed ${victim} (${kill}/${KILLS}) at +${Date.now() - started} ms, ${accepted.length} jobs accepted`,
        );
        await pause(random.int(0, 1000));
        await system.restart(victim);
      }
    } finally {
      killing = false;
    }
    await stream;
    return accepted;
  }

  /** The checks after a run: everything finished once, nothing missing, and a rebuild changes nothing. */
  async function expectEveryJobDoneExactlyOnce(accepted: AcceptedJob[]): Promise<void> {
    expect(accepted.length).toBeGreaterThanOrEqual(JOBS_PER_STREAM);
    const ids = accepted.map((job) => job.id);
    const jobs = await waitUntilAllFinished(api, ids, 120_000);
    await waitUntilProjectorCaughtUp(api);

    const problems: string[] = [];
    for (const { id, page } of accepted) {
      // A kill re-runs an attempt (redelivery), never adds one: retries come from the flaky pages' 503s,
      // or from the time limit on a machine too loaded to fetch in time, nothing else.
      const retryCodes = page.startsWith('/flaky/') ? ['HTTP_503', 'TIMEOUT'] : ['TIMEOUT'];
      problems.push(...(await historyProblems(api, jobs.get(id) as JobBody, retryCodes)));
    }
    expect(problems).toEqual([]);

    // The same, straight from the read model: exactly one applied result per job.
    const completions = await db.query<{ job_id: string; completions: number }>(
      `SELECT job_id::text, count(*)::int AS completions FROM job_events
       WHERE type = 'StageCompleted' AND job_id = ANY($1::uuid[]) GROUP BY job_id`,
      [ids],
    );
    expect(completions.rows).toHaveLength(ids.length);
    expect(completions.rows.filter((row) => row.completions !== 1)).toEqual([]);

    const live = await snapshotAnswers(api, ids);
    await rebuildProjections(api);
    expect(await snapshotAnswers(api, ids)).toBe(live);
    expect(system.unexpectedExits).toEqual([]);
  }

  it(
    'loses and duplicates nothing when the scraper is SIGKILLed mid-work, repeatedly',
    async () => {
      const abandonedBefore = site.delayedAbandoned;
      const accepted = await streamWithKills('scraper', 'scraper-kill');
      // The kills did interrupt fetches in flight (the site saw the connections drop unanswered).
      expect(site.delayedAbandoned).toBeGreaterThan(abandonedBefore);
      await expectEveryJobDoneExactlyOnce(accepted);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'loses and duplicates nothing when the projector is SIGKILLed mid-stream, repeatedly',
    async () => {
      const accepted = await streamWithKills('projector', 'projector-kill');
      await expectEveryJobDoneExactlyOnce(accepted);
    },
    TEST_TIMEOUT_MS,
  );
});
