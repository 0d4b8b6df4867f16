import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalStack, type LocalStackEndpoints } from '../../tools/stack/src';
import { ApiClient } from '../support/api-client';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

/**
 * A stack of its own (so it can be stopped): jobs survive a full stop and restart of Kafka,
 * PostgreSQL and the services, and the gateway answers 503 quickly while Kafka is down.
 */
describe('restart and Kafka outage (end to end)', () => {
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

  it('answers 503 with Retry-After, without hanging, while Kafka is down, and recovers by itself', async () => {
    const api = new ApiClient(system.baseUrl);
    const kafka = stack.kafka;
    if (!kafka) throw new Error('no Kafka broker');
    await kafka.stop();
    try {
      const response = await api.submit({ type: 'scrape', input: { url: `${site.baseUrl}/article` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const ready = await api.request('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ checks: { kafka: 'down', postgres: 'up' } });
      // Reads do not need Kafka.
      expect((await api.request('GET', '/jobs')).status).toBe(200);
    } finally {
      await kafka.start();
    }
    const id = await eventually(
      'the gateway to accept jobs again',
      async () => {
        const response = await api.submit({ type: 'scrape', input: { url: `${site.baseUrl}/article` } });
        return response.status === 202 ? (response.body.id as string) : undefined;
      },
      60_000,
    );
    expect((await api.terminal(id)).status).toBe('SUCCEEDED');
  });
});
