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
