import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalStack, type LocalStackEndpoints } from '@app/stack';
import { ApiClient, type ApiResponse } from '../support/api-client';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { historyProblems, waitUntilAllFinished } from '../support/job-audit';
import { eventually } from '../support/wait';

const SUBMIT_EVERY_MS = 250;
const KAFKA_OUTAGE_MS = 20_000;
/** How long PostgreSQL stays down once the projector has work it cannot apply (a few of its retries). */
const POSTGRES_OUTAGE_AFTER_WORK_MS = 8_000;
/** Any answer of the gateway, also during an outage, comes within this (liveness, not a benchmark). */
const ANSWER_DEADLINE_MS = 5_000;
/** The outage tests restart Kafka (a JVM) or PostgreSQL; on a loaded machine that alone can take a minute. */
const OUTAGE_TEST_TIMEOUT_MS = 300_000;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface Submitter {
  answers: { sent: number; ms: number; response: ApiResponse }[];
  accepted: () => string[];
  stop: () => Promise<void>;
}

/**
 * A stack of its own (so it can be stopped): jobs survive a full stop and restart of Kafka,
 * PostgreSQL and the services; through a Kafka outage and a PostgreSQL outage mid-run the gateway
 * answers 503 quickly, the services recover by themselves, and no accepted job is lost.
 */
describe('restart, Kafka outage and PostgreSQL outage (end to end)', () => {
  const site = new TestSite();
  let dataDir: string;
  let stack: LocalStack;
  let endpoints: LocalStackEndpoints;
  let system: SystemUnderTest;

  const startStack = async (ports?: { kafkaPort: number; postgresPort: number }): Promise<void> => {
    stack = new LocalStack();
    endpoints = await stack.start({ dataDir, freePorts: true, fast: true, ...ports });
  };
  const env = {
    SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
    RETRY_BASE_DELAY_MS: '100',
    KAFKA_SEND_TIMEOUT_MS: '3000',
    // After the broker restarts, a consumer rejoins as a new member; its old one expires after this.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  };

  beforeAll(async () => {
    await site.start();
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-restart-'));
    await fs.promises.chmod(dataDir, 0o755);
    await startStack();
    system = await SystemUnderTest.start({
      kafkaBrokers: endpoints.kafkaBrokers,
      adminDatabaseUrl: endpoints.databaseUrl,
      env,
      restartOnCrash: true,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await stack?.stop();
    await site.stop();
    if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every job, unchanged, across a stop and restart of the whole stack', async () => {
    let api = new ApiClient(system.baseUrl);
    const ids = [
      await api.submitScrape(`${site.baseUrl}/article`),
      await api.submitScrape(`${site.baseUrl}/missing`),
      await api.submitScrape(`${site.baseUrl}/legacy`),
    ];
    const before = await Promise.all(ids.map((id) => api.terminal(id)));
    const listBefore = (await api.request('GET', '/jobs')).body;
    const eventsBefore = await Promise.all(
      ids.map(async (id) => (await api.request('GET', `/jobs/${id}/events`)).body),
    );

    const ports = {
      kafkaPort: Number(endpoints.kafkaBrokers.split(':')[1]),
      postgresPort: Number(new URL(endpoints.databaseUrl).port),
    };
    await system.stop();
    await stack.stop();
    await startStack(ports);
    system = await SystemUnderTest.start({
      kafkaBrokers: endpoints.kafkaBrokers,
      adminDatabaseUrl: endpoints.databaseUrl,
      isolation: { database: system.database, topicPrefix: system.topicPrefix },
      env,
      restartOnCrash: true,
    });
    api = new ApiClient(system.baseUrl);

    expect(await Promise.all(ids.map((id) => api.job(id)))).toEqual(before);
    expect((await api.request('GET', '/jobs')).body).toEqual(listBefore);
    expect(
      await Promise.all(ids.map(async (id) => (await api.request('GET', `/jobs/${id}/events`)).body)),
    ).toEqual(eventsBefore);
    // And the restarted system still works.
    expect((await api.terminal(await api.submitScrape(`${site.baseUrl}/article`))).status).toBe('SUCCEEDED');
  });

  /** Submits a scrape job every SUBMIT_EVERY_MS until stopped, recording every answer and how long it took. */
  function startSubmitting(api: ApiClient, label: string): Submitter {
    const submitter: Submitter = { answers: [], accepted: () => [], stop: async () => undefined };
    let running = true;
    const loop = (async () => {
      for (let i = 0; running; i++) {
        const sent = Date.now();
        const response = await api.submit({
          type: 'scrape',
          input: { url: `${site.baseUrl}/delay/20/${label}-${i}` },
        });
        submitter.answers.push({ sent, ms: Date.now() - sent, response });
        await pause(SUBMIT_EVERY_MS);
      }
    })();
    loop.catch(() => undefined);
    submitter.accepted = () =>
      submitter.answers.filter((a) => a.response.status === 202).map((a) => a.response.body.id as string);
    submitter.stop = async () => {
      running = false;
      await loop;
    };
    return submitter;
  }

  /** Every accepted job finishes SUCCEEDED with a complete history. */
  async function expectAllAcceptedSucceeded(api: ApiClient, ids: string[]): Promise<void> {
    const jobs = await waitUntilAllFinished(api, ids, 120_000);
    const problems: string[] = [];
    for (const job of jobs.values()) problems.push(...(await historyProblems(api, job)));
    expect(problems).toEqual([]);
    // Allowed, like under `npm start`: a consumer KafkaJS gave up on exits and is restarted (logged).
    for (const exit of system.unexpectedExits) console.log(`restarted after exit: ${JSON.stringify(exit)}`);
  }

  it(
    'answers 503 with Retry-After quickly through a 20 s Kafka outage mid-run, and recovers by itself',
    async () => {
      const api = new ApiClient(system.baseUrl);
      const kafka = stack.kafka;
      if (!kafka) throw new Error('no Kafka broker');
      const submitter = startSubmitting(api, 'kafka-outage');
      let down = { from: 0, to: 0 };
      try {
        await eventually('jobs to be accepted before the outage', () =>
          submitter.accepted().length >= 5 ? true : undefined,
        );
        await kafka.stop();
        down = { from: Date.now(), to: Date.now() + KAFKA_OUTAGE_MS };
        const ready = await api.request('GET', '/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ checks: { kafka: 'down', postgres: 'up' } });
        // Reads do not need Kafka.
        expect((await api.request('GET', '/jobs')).status).toBe(200);
        await pause(down.to - Date.now());
      } finally {
        down.to = Date.now();
        await kafka.start();
      }
      // The test restarts nothing: producers and consumers reconnect by themselves (a consumer KafkaJS
      // gives up on exits, and its supervisor restarts it, as under `npm start`).
      const acceptedBefore = submitter.accepted().length;
      await eventually(
        'the gateway to accept jobs again',
        () => (submitter.accepted().length >= acceptedBefore + 5 ? true : undefined),
        60_000,
      );
      await submitter.stop();

      const duringOutage = submitter.answers.filter((a) => a.sent >= down.from && a.sent + a.ms <= down.to);
      expect(duringOutage.length).toBeGreaterThanOrEqual(3);
      for (const { response } of duringOutage) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
      // A liveness guard (never hangs), not a benchmark: every answer, in or out of the outage, came fast.
      expect(submitter.answers.filter((a) => a.ms > ANSWER_DEADLINE_MS)).toEqual([]);
      await expectAllAcceptedSucceeded(api, submitter.accepted());
    },
    OUTAGE_TEST_TIMEOUT_MS,
  );

  it(
    'answers reads 503 while PostgreSQL is down, loses no accepted job, and projects them once it is back',
    async () => {
      const api = new ApiClient(system.baseUrl);
      const postgres = stack.postgres;
      if (!postgres) throw new Error('no PostgreSQL server');
      const before = await api.submitScrape(`${site.baseUrl}/article`);
      await api.terminal(before);
      const during: string[] = [];
      // Exits during the earlier Kafka outage are allowed there (a consumer KafkaJS gave up on is
      // restarted); this test is about the PostgreSQL outage only.
      const exitsBefore = system.unexpectedExits.length;
      await postgres.stop();
      try {
        for (const path of ['/jobs', `/jobs/${before}`, `/jobs/${before}/events`]) {
          const sent = Date.now();
          const response = await api.request('GET', path);
          expect({ path, status: response.status }).toEqual({ path, status: 503 });
          expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          expect(response.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
          expect(Date.now() - sent).toBeLessThan(ANSWER_DEADLINE_MS);
        }
        const ready = await api.request('GET', '/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ checks: { kafka: 'up', postgres: 'down' } });
        // An Idempotency-Key needs PostgreSQL (the key is claimed before publishing): refused, retry later.
        const keyed = await api.submit(
          { type: 'scrape', input: { url: `${site.baseUrl}/article` } },
          { 'Idempotency-Key': 'postgres-outage' },
        );
        expect(keyed.status).toBe(503);
        expect(keyed.headers.get('retry-after')).toMatch(/^\d+$/);
        // Without a key the job goes to the log: accepted (202 means it will run), projected later.
        for (let i = 0; i < 5; i++) {
          during.push(await api.submitScrape(`${site.baseUrl}/delay/20/postgres-outage-${i}`));
        }
        // The scraper runs them meanwhile, so the projector has their events to apply and must wait.
        await eventually('the scraper to fetch the pages accepted during the outage', () =>
          during.every((_, i) => site.hitCount(`/delay/20/postgres-outage-${i}`) > 0) ? true : undefined,
        );
        await pause(POSTGRES_OUTAGE_AFTER_WORK_MS);
        // The projector waited (retrying its batch) rather than crashing.
        expect(system.supervisor.get('projector')?.running).toBe(true);
        expect(system.unexpectedExits.slice(exitsBefore).filter((exit) => exit.name === 'projector')).toEqual(
          [],
        );
      } finally {
        await postgres.start();
      }
      await expectAllAcceptedSucceeded(api, [before, ...during]);
      expect((await api.request('GET', '/jobs')).status).toBe(200);
    },
    OUTAGE_TEST_TIMEOUT_MS,
  );
});
