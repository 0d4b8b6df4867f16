import type { Page } from 'playwright-core';
import { fitsViewport, PHONE, useConsoleBrowser } from '../support/console-browser';
import { useSystemUnderTest } from '../support/e2e-system';
import { TEST_ADMIN_KEY } from '../support/test-keys';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

/**
 * The web console in headless Chromium against the real system: the key form, the live jobs list, a
 * job's live page with its timeline, the actions and their problems, and what a reader key sees.
 * Screenshots go to test-artifacts/console/jobs (printed at the start).
 */
describe('web console: jobs (headless Chromium, end to end)', () => {
  const site = new TestSite();
  const e2e = useSystemUnderTest({
    site,
    env: {
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      SCRAPER_TIMEOUT_MS: '20000',
      RETRY_MAX_ATTEMPTS: '4',
      RETRY_BASE_DELAY_MS: '200',
    },
  });
  const browser = useConsoleBrowser(() => e2e.system.baseUrl, 'jobs');

  /** A marker that only survives as long as the page is not reloaded. */
  // (Browser-side code as strings: the tests compile without the DOM's types.)
  const markPage = (page: Page): Promise<unknown> => page.evaluate('window.notReloaded = true');
  const stillSamePage = (page: Page): Promise<boolean> =>
    page.evaluate<boolean>('window.notReloaded === true');

  /** Form controls without a label (a <label>, aria-label or aria-labelledby), by their outer HTML. */
  const unlabelledControls = (page: Page): Promise<string[]> =>
    page.evaluate<string[]>(
      `[...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        .map((el) => el.outerHTML)`,
    );

  it('is served without a key, asks for one and keeps it in the tab’s session only', async () => {
    const index = await fetch(`${e2e.system.baseUrl}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");

    const page = await browser.open();
    await page.getByRole('textbox', { name: 'API key' }).fill('ejk_not-a-key-of-this-system-000000000000000');
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByRole('alert').filter({ hasText: '401' }).waitFor();
    await browser.screenshot(page, 'key-refused');

    // With the keyboard only: the field, the key, Enter.
    await page.getByRole('textbox', { name: 'API key' }).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(TEST_ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.getByTestId('caller').filter({ hasText: 'default · admin' }).waitFor();
    await page.getByRole('link', { name: 'Operations' }).waitFor();
    const storage = await page.evaluate<{ session: string[]; local: number }>(
      '({ session: Object.values(sessionStorage), local: localStorage.length })',
    );
    expect(storage).toEqual({ session: [TEST_ADMIN_KEY], local: 0 });

    await page.getByRole('button', { name: 'Forget key' }).click();
    await page.getByRole('textbox', { name: 'API key' }).waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await page.context().close();
  });

  it('submits a scrape job and shows it reach SUCCEEDED live, in the list and on its page', async () => {
    const page = await browser.signIn(TEST_ADMIN_KEY);
    await page.getByRole('status').filter({ hasText: 'live' }).first().waitFor();
    await markPage(page);
    await page.getByText('New job').click();
    expect(await unlabelledControls(page)).toEqual([]);
    // The page answers only when the test says so: the list must show the job running first.
    site.holdDelayed();
    await page.getByLabel('URL to scrape').fill(`${site.baseUrl}/delay/10/console`);
    await page.getByRole('button', { name: 'Submit' }).click();
    const accepted = page.getByRole('status').filter({ hasText: 'Accepted:' });
    const id = (await accepted.getByRole('link').textContent())?.trim() ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const row = page.locator(`tr[data-job-id="${id}"]`);
    await row.getByText('RUNNING').waitFor({ timeout: 60_000 });
    await eventually('the scraper to hold the page', () => (site.heldCount === 1 ? true : undefined));
    await browser.screenshot(page, 'jobs-list-running');
    site.releaseDelayed();
    await row.getByText('SUCCEEDED').waitFor({ timeout: 60_000 });
    expect(await stillSamePage(page)).toBe(true);
    await browser.screenshot(page, 'jobs-list-succeeded');

    await row.getByRole('link').click();
    await page.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
    await page.getByLabel('job result').filter({ hasText: `"statusCode": 200` }).waitFor();
    const timeline = page.getByRole('list', { name: 'Events of the job' });
    await timeline.locator('[data-event-type="StageCompleted"]').waitFor();
    expect(await timeline.locator('[data-event-type="JobRequested"]').count()).toBe(1);
    expect(await stillSamePage(page)).toBe(true);
    await browser.screenshot(page, 'job-succeeded');

    // Cancelling a finished job: the confirmation, then the API's 409 problem shown as it came.
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the job' }).click();
    const problem = page.getByRole('alert').filter({ hasText: '409' });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Conflict');
    await browser.screenshot(page, 'job-cancel-refused');

    // A re-run: run 1 shows on the same page, live, and finishes again.
    await page.getByRole('button', { name: 'Rerun job' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rerun' }).click();
    await page.getByRole('status').filter({ hasText: 'Re-run requested' }).waitFor();
    await timeline
      .locator('[data-event-type="StageCompleted"]', { hasText: 'run 1' })
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
    expect(await stillSamePage(page)).toBe(true);
    // An admin's replay from the scrape stage: run 2, live as well.
    await page.getByRole('combobox', { name: 'Stage' }).selectOption('scrape');
    await page.getByRole('button', { name: 'Replay from stage' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replay from scrape' }).click();
    await page.getByRole('status').filter({ hasText: 'Replay from scrape requested' }).waitFor();
    await timeline
      .locator('[data-event-type="StageCompleted"]', { hasText: 'run 2' })
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
    await browser.screenshot(page, 'job-replayed');
    // Every run, each event once.
    expect(await timeline.locator('[data-event-type="StageCompleted"]').count()).toBe(3);
    const shown = await timeline.locator('li').count();
    const history = await e2e.api.request<unknown[]>('GET', `/jobs/${id}/events`);
    expect(shown).toBe(history.body.length);
    await page.context().close();
  });

  it('shows a retried job’s attempts and their errors in the timeline', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/flaky/console`);
    const page = await browser.signIn(TEST_ADMIN_KEY);
    await page.getByLabel('Job or correlation id').fill(id);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
    const timeline = page.getByRole('list', { name: 'Events of the job' });
    await timeline.locator('[data-event-type="StageCompleted"]').waitFor();
    const started = timeline.locator('[data-event-type="StageStarted"]');
    const failed = timeline.locator('[data-event-type="StageAttemptFailed"]');
    expect(await started.allTextContents()).toEqual([
      expect.stringContaining('attempt 1'),
      expect.stringContaining('attempt 2'),
      expect.stringContaining('attempt 3'),
    ]);
    expect(await failed.allTextContents()).toEqual([
      expect.stringMatching(/attempt 1.*HTTP_503/),
      expect.stringMatching(/attempt 2.*HTTP_503/),
    ]);
    const completed = await timeline.locator('[data-event-type="StageCompleted"]').textContent();
    expect(completed).toContain('attempt 3');
    expect(await page.getByRole('table').filter({ hasText: 'Stage' }).first().textContent()).toContain(
      'scrape',
    );
    await browser.screenshot(page, 'job-retried');
    expect(await unlabelledControls(page)).toEqual([]);

    // The confirmation dialog by keyboard: Enter opens it, Escape closes it and nothing is sent.
    await page.getByRole('button', { name: 'Cancel job' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await page.getByRole('alert').count()).toBe(0);
    expect((await e2e.api.job(id)).status).toBe('SUCCEEDED');

    // Readable on a phone: nothing wider than the screen.
    const phone = await browser.signIn(TEST_ADMIN_KEY, PHONE);
    await phone.goto(`${e2e.system.baseUrl}/console#/jobs/${id}`);
    await phone.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
    expect(await fitsViewport(phone)).toBe(true);
    await browser.screenshot(phone, 'job-retried-390x844');
    await phone.goto(`${e2e.system.baseUrl}/console#/jobs`);
    await phone.locator(`tr[data-job-id="${id}"]`).waitFor();
    expect(await fitsViewport(phone)).toBe(true);
    await browser.screenshot(phone, 'jobs-390x844');
    await page.context().close();
    await phone.context().close();
  });

  it('shows a slow download’s progress live, then its log line', async () => {
    const page = await browser.signIn(TEST_ADMIN_KEY);
    // About 6 s of body at 1 KiB per 100 ms, after a redirect the scraper logs.
    const id = await e2e.api.submitScrape(`${site.baseUrl}/trickle/6000/hop`);
    await page.goto(`${e2e.system.baseUrl}/console#/jobs/${id}`);
    const progress = page.getByRole('progressbar', { name: /^scrape: [\d,]+ of [\d,]+ bytes/ });
    await progress.waitFor({ timeout: 30_000 });
    // The status follows the stream too (the download still has seconds to go).
    await page.getByTestId('job-status').filter({ hasText: 'RUNNING' }).waitFor({ timeout: 3000 });
    await browser.screenshot(page, 'job-progress');
    await page.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
    await progress.waitFor({ state: 'detached' });
    const logs = page.getByRole('region', { name: 'Logs' });
    await logs.getByText(`redirected to ${site.baseUrl}/trickle/6000/`).waitFor();
    const timeline = page.getByRole('list', { name: 'Events of the job' });
    expect(await timeline.locator('[data-event-type="StageProgressed"]').count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it('submits the form’s example risk job and shows its result as a VaR table and a P&L histogram', async () => {
    const page = await browser.signIn(TEST_ADMIN_KEY);
    await page.getByText('New job').click();
    await page.getByRole('combobox', { name: 'Job type' }).selectOption('risk');
    await page.getByRole('button', { name: 'Submit' }).click();
    const accepted = page.getByRole('status').filter({ hasText: 'Accepted:' });
    await accepted.getByRole('link').click();
    await page.getByTestId('job-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
    const table = page.getByRole('table', { name: 'Value at risk' });
    expect(await table.textContent()).toContain('monte_carlo');
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/jobs/', ''));
    const result = (await e2e.api.job(id)).result as {
      var: number;
      pnlHistogram: { edges: number[]; counts: number[] };
    };
    expect(Number((await page.getByTestId('risk-var').textContent())?.replace(/[^0-9.]/g, ''))).toBeCloseTo(
      result.var,
      1,
    );
    // The histogram: one bar per bin of the result, with its count, and the VaR marked.
    const histogram = page.getByTestId('pnl-histogram');
    const bars = histogram.locator('rect.bar');
    expect(await bars.count()).toBe(result.pnlHistogram.counts.length);
    const drawnCounts = await page.evaluate<number[]>(
      `[...document.querySelectorAll('[data-testid="pnl-histogram"] rect.bar')]
        .map((rect) => Number(rect.getAttribute('data-count')))`,
    );
    expect(drawnCounts).toEqual(result.pnlHistogram.counts);
    expect(drawnCounts.reduce((sum, count) => sum + count, 0)).toBe(20_000);
    expect(await page.getByTestId('pnl-histogram-var').textContent()).toMatch(/^VaR /);
    expect(await histogram.locator('rect.bar.tail').count()).toBeGreaterThan(0);
    // This system has no Jaeger: the trace section says so quietly (the API's 503), with no alert.
    await page.getByTestId('trace-unavailable').filter({ hasText: '503' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await browser.screenshot(page, 'job-risk');
    await page.context().close();
  });

  it('shows a reader key only what it may do, and another tenant’s job as not found', async () => {
    const created = await e2e.api.request('POST', '/admin/keys', {
      json: { tenant: 'acme', role: 'reader', expiresAt: null },
    });
    expect(created.status).toBe(201);
    const adminJob = await e2e.api.submitScrape(`${site.baseUrl}/article`);

    const page = await browser.signIn(created.body.key as string);
    await page.getByTestId('caller').filter({ hasText: 'acme · reader' }).waitFor();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    expect(await page.getByRole('link', { name: 'Operations' }).count()).toBe(0);
    expect(await page.getByText('New job').count()).toBe(0);
    await page.getByText('No jobs yet.').waitFor();

    await page.goto(`${e2e.system.baseUrl}/console#/jobs/${adminJob}`);
    await page.getByRole('alert').filter({ hasText: '404' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    await page.goto(`${e2e.system.baseUrl}/console#/operations`);
    await page.getByRole('alert').filter({ hasText: '403' }).waitFor();
    await browser.screenshot(page, 'reader-operations-refused');
    await page.context().close();
  });

  it('pages through the list with the API’s cursor, under the filters', async () => {
    const ids = await Promise.all(
      Array.from({ length: 26 }, (_, n) => e2e.api.submitScrape(`${site.baseUrl}/article?page=${n}`)),
    );
    await Promise.all(ids.map((id) => e2e.api.terminal(id)));
    const all = await e2e.api.request<{ items: { id: string }[] }>(
      'GET',
      '/jobs?type=scrape&status=SUCCEEDED&limit=200',
    );
    const expected = all.body.items.map((job) => job.id);
    expect(expected.length).toBeGreaterThan(25);

    const page = await browser.signIn(TEST_ADMIN_KEY);
    await page.getByRole('combobox', { name: 'Type' }).selectOption('scrape');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('SUCCEEDED');
    const shownIds = (): Promise<string[]> =>
      page.evaluate<string[]>(
        `[...document.querySelectorAll('table.jobs tbody tr')].map((tr) => tr.getAttribute('data-job-id'))`,
      );
    await page.locator(`tr[data-job-id="${expected[0]}"]`).waitFor();
    await page.locator(`tr[data-job-id="${expected[24]}"]`).waitFor();
    expect(await shownIds()).toEqual(expected.slice(0, 25));
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 2').waitFor();
    await page.locator(`tr[data-job-id="${expected[25]}"]`).waitFor();
    expect(await shownIds()).toEqual(expected.slice(25, 50));
    await browser.screenshot(page, 'jobs-page-2');
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.locator(`tr[data-job-id="${expected[0]}"]`).waitFor();
    expect(await shownIds()).toEqual(expected.slice(0, 25));
    await page.context().close();
  });

  it('finds a request’s jobs by correlation id, and narrows them by priority and creation time', async () => {
    const correlationId = `console-${Date.now()}`;
    const submitted: { id: string; priority: string }[] = [];
    for (const priority of ['high', 'low', 'high']) {
      const response = await e2e.api.submit(
        { type: 'scrape', input: { url: `${site.baseUrl}/article?p=${priority}` }, priority },
        { 'x-request-id': correlationId },
      );
      submitted.push({ id: (response.body as { id: string }).id, priority });
    }
    await Promise.all(submitted.map(({ id }) => e2e.api.terminal(id)));
    const newestFirst = submitted.map(({ id }) => id).reverse();
    const high = submitted
      .filter((job) => job.priority === 'high')
      .map(({ id }) => id)
      .reverse();

    const page = await browser.signIn(TEST_ADMIN_KEY);
    const shownIds = (): Promise<string[]> =>
      page.evaluate<string[]>(
        `[...document.querySelectorAll('table.jobs tbody tr')].map((tr) => tr.getAttribute('data-job-id'))`,
      );
    await page.getByLabel('Job or correlation id').fill(correlationId);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText(`Correlation id ${correlationId}`).waitFor();
    await eventually(
      'the correlation id’s jobs only',
      async () => (JSON.stringify(await shownIds()) === JSON.stringify(newestFirst) ? true : undefined),
      10_000,
    );
    await page.getByRole('combobox', { name: 'Priority' }).selectOption('high');
    await eventually(
      'its high-priority jobs only',
      async () => (JSON.stringify(await shownIds()) === JSON.stringify(high) ? true : undefined),
      10_000,
    );
    // Created after a minute from now: none.
    const later = new Date(Date.now() + 60_000);
    const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Created after').fill(local);
    await page.getByText('No jobs match.').waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    await browser.screenshot(page, 'jobs-by-correlation-id');
    await page.context().close();
  });
});
