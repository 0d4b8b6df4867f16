import { fitsViewport, PHONE, useConsoleBrowser } from '../support/console-browser';
import { useSystemUnderTest } from '../support/e2e-system';
import { TEST_ADMIN_KEY } from '../support/test-keys';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

interface DeadLetterItem {
  id: string;
  jobId: string | null;
  reason: string;
}

/**
 * The console's Operations page in headless Chromium against the real system: a dead letter redriven
 * from the page (its job then succeeds), a projection rebuild started and seen to finish, the consumer
 * groups with their lag. Screenshots go to test-artifacts/console/operations.
 */
describe('web console: operations (headless Chromium, end to end)', () => {
  const site = new TestSite();
  const e2e = useSystemUnderTest({
    site,
    env: {
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      RETRY_MAX_ATTEMPTS: '2',
      RETRY_BASE_DELAY_MS: '100',
    },
  });
  const browser = useConsoleBrowser(() => e2e.system.baseUrl, 'operations');

  it('redrives a dead letter from the page, and its job then succeeds', async () => {
    // Down for both attempts: the job fails and the scraper's group dead-letters it.
    site.serve('/outage', { status: 503, body: 'down' });
    const id = await e2e.api.submitScrape(`${site.baseUrl}/outage`);
    expect((await e2e.api.terminal(id)).status).toBe('FAILED');
    const entry = await eventually('the dead letter of the failed job', async () => {
      const page = await e2e.api.request<{ items: DeadLetterItem[] }>(
        'GET',
        '/admin/dlq?reason=retriesExhausted',
      );
      return page.body.items.find((item) => item.jobId === id);
    });
    site.serve('/outage', { status: 200, body: '<html><head><title>Back</title></head></html>' });

    const page = await browser.signIn(TEST_ADMIN_KEY);
    await page.getByRole('link', { name: 'Operations' }).click();
    const row = page.locator(`tr[data-dead-letter-id="${entry.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('retriesExhausted');
    await browser.screenshot(page, 'dead-letters');

    await row.getByRole('button', { name: 'Redrive' }).click();
    await row.getByRole('dialog').getByRole('button', { name: 'Redrive' }).click();
    await page.getByRole('status').filter({ hasText: 'Redriven' }).waitFor();
    await row.getByText('no', { exact: true }).waitFor({ state: 'detached' });
    await browser.screenshot(page, 'dead-letter-redriven');

    await row.getByRole('link').click();
    await page.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-event-type="StageCompleted"]', { hasText: 'run 1' }).waitFor();
    await browser.screenshot(page, 'redriven-job-succeeded');
    await page.context().close();
  });

  it('GET /admin/throughput counts finished jobs per interval and type from the read model; bad queries are 400', async () => {
    const before = Date.now();
    const ids = await Promise.all(
      [1, 2, 3].map((n) => e2e.api.submitScrape(`${site.baseUrl}/article?t=${n}`)),
    );
    await Promise.all(ids.map((id) => e2e.api.terminal(id)));
    interface Answer {
      minutes: number;
      bucketSeconds: number;
      from: string;
      to: string;
      series: {
        type: string;
        buckets: { start: string; finished: number; perSecond: number; p99Ms: number | null }[];
      }[];
    }
    const answer = await eventually('the three jobs in the throughput', async () => {
      const response = await e2e.api.request<Answer>('GET', '/admin/throughput?minutes=5');
      expect(response.status).toBe(200);
      const scrape = response.body.series.find((series) => series.type === 'scrape');
      const finished = scrape?.buckets.reduce((sum, bucket) => sum + bucket.finished, 0) ?? 0;
      return finished >= 3 ? response.body : undefined;
    });
    expect(answer.minutes).toBe(5);
    expect(answer.bucketSeconds).toBe(5);
    expect(answer.series.map((series) => series.type)).toEqual(['all', 'scrape', 'risk', 'document']);
    expect(Date.parse(answer.to) - Date.parse(answer.from)).toBe(5 * 60_000);
    expect(Date.parse(answer.from)).toBeLessThan(before);
    for (const series of answer.series) expect(series.buckets).toHaveLength(60);
    const [all, scrape] = answer.series;
    expect(all.buckets.map((bucket) => bucket.finished)).toEqual(
      all.buckets.map((_, i) => answer.series.slice(1).reduce((sum, s) => sum + s.buckets[i].finished, 0)),
    );
    const busy = scrape.buckets.filter((bucket) => bucket.finished > 0);
    for (const bucket of busy) {
      expect(bucket.perSecond).toBeGreaterThan(0);
      expect(bucket.p99Ms).toBeGreaterThanOrEqual(0);
    }
    expect(
      scrape.buckets.filter((bucket) => bucket.finished === 0).every((bucket) => bucket.p99Ms === null),
    ).toBe(true);

    for (const bad of ['0', '61', 'abc', '1.5', '-5', '']) {
      const response = await e2e.api.request('GET', `/admin/throughput?minutes=${bad}`);
      expect({ bad, status: response.status }).toEqual({ bad, status: 400 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(response.body)).toContain('minutes');
    }
    expect((await e2e.api.request('GET', '/admin/throughput?window=5')).status).toBe(400);
    expect((await e2e.api.request('GET', '/admin/throughput')).body).toMatchObject({ minutes: 15 });
  });

  it('starts a projection rebuild and shows it finish; shows the consumer groups and their lag', async () => {
    const page = await browser.signIn(TEST_ADMIN_KEY);
    await page.getByRole('link', { name: 'Operations' }).click();
    // Throughput and latency, from the live jobs stream: five jobs finished while the page is open.
    const throughput = page.getByRole('region', { name: 'Throughput and latency' });
    await throughput.getByRole('status').filter({ hasText: 'live' }).waitFor();
    const ids = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => e2e.api.submitScrape(`${site.baseUrl}/article?n=${n}`)),
    );
    await Promise.all(ids.map((id) => e2e.api.terminal(id)));
    await page.getByTestId('jobs-finished').filter({ hasText: /^5$/ }).waitFor();
    await page.getByTestId('latency-p99').filter({ hasText: / ms$/ }).waitFor();
    // (Jobs/s counts the last 10 s by finishing time: a slow projector may already have left it at 0.)
    expect(await page.getByTestId('jobs-per-second').textContent()).toMatch(/^\d+\.\d$/);
    // The same from the read model (GET /admin/throughput, read every 5 s): the jobs are in its window.
    const history = page.getByTestId('throughput-history');
    await eventually('the read model’s chart counts the five jobs', async () => {
      const shown = Number(await history.getByTestId('history-finished').textContent());
      return shown >= 5 || undefined;
    });
    await history.getByTestId('history-p99').filter({ hasText: / ms$/ }).waitFor();
    expect(
      await history.getByTestId('throughput-chart').locator('[data-line="scrape"]').count(),
    ).toBeGreaterThan(0);
    expect(await history.getByTestId('latency-chart').locator('[data-line="p99"]').count()).toBeGreaterThan(
      0,
    );
    await browser.screenshot(page, 'operations-throughput');

    const state = page.getByTestId('rebuild-state');
    await state.waitFor();
    expect(await state.textContent()).not.toBe('succeeded');
    await page.getByRole('button', { name: 'Rebuild read models' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rebuild' }).click();
    await state.filter({ hasText: /^succeeded$/ }).waitFor({ timeout: 120_000 });
    expect(await page.getByRole('button', { name: 'Rebuild read models' }).isEnabled()).toBe(true);

    const groups = page.getByRole('table', { name: 'Consumer groups' });
    await groups.locator('tr[data-group-id$="scraper"]').waitFor();
    await browser.screenshot(page, 'operations');
    await page.context().close();

    const phone = await browser.signIn(TEST_ADMIN_KEY, PHONE);
    await phone.goto(`${e2e.system.baseUrl}/console#/operations`);
    await phone.getByRole('table', { name: 'Consumer groups' }).waitFor();
    expect(await fitsViewport(phone)).toBe(true);
    await browser.screenshot(phone, 'operations-390x844');
    await phone.context().close();
  });
});
