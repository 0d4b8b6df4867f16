import type { ApiResponse } from '../support/api-client';
import { consumerGroup } from '../support/consumer-groups';
import { useSystemUnderTest } from '../support/e2e-system';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

const riskInput = {
  method: 'parametric',
  confidence: 0.99,
  horizonDays: 1,
  positions: [{ symbol: 'AAA', quantity: 10, price: 100 }],
  returns: { AAA: Array.from({ length: 40 }, (_, i) => ((i * 7) % 11) / 250 - 0.02) },
};

/**
 * With the scraper stopped, scrape jobs pile up until the gateway refuses them (503 + Retry-After);
 * risk jobs, whose stage keeps up, are still accepted; starting the scraper drains the backlog and
 * scrape jobs are accepted again.
 */
describe('admission control (end to end)', () => {
  const site = new TestSite();

  const e2e = useSystemUnderTest({
    site,
    services: ['gateway', 'projector', 'risk'],
    env: {
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      ADMISSION_MAX_LAG_SCRAPE: '20',
      ADMISSION_MAX_LAG_RISK: '20',
      ADMISSION_POLL_MS: '200',
      RISK_THREADS: '1',
    },
  });

  const submitScrape = (n: number): Promise<ApiResponse> =>
    e2e.api.submit({ type: 'scrape', input: { url: `${site.baseUrl}/article?n=${n}` } });

  it('answers 503 with Retry-After for a type whose stage is behind, leaves other types alone, and recovers', async () => {
    await eventually(
      'the risk stage to join its group',
      async () => ((await consumerGroup(e2e.api, 'risk'))?.state === 'Stable' ? true : undefined),
      60_000,
    );

    const accepted: string[] = [];
    let n = 0;
    const refused = await eventually(
      'a scrape submission to be refused',
      async () => {
        const response = await submitScrape(n++);
        if (response.status === 202) accepted.push(response.body.id as string);
        else if (response.status === 503) return response;
        else throw new Error(`unexpected ${response.status}`);
        return undefined;
      },
      60_000,
    );
    expect(accepted.length).toBeGreaterThan(20);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused.body).toMatchObject({ status: 503, title: 'Service Unavailable', instance: '/jobs' });
    expect(refused.body.detail).toMatch(
      /^The scrape stages are \d+ messages behind, over the limit of 20; retry in about \d+ s$/,
    );

    const risk = await eventually(
      'a risk submission to be accepted while scrape is refused',
      async () => {
        const response = await e2e.api.submit({ type: 'risk', input: riskInput });
        if (response.status !== 202 && response.status !== 503) {
          throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
        }
        return response.status === 202 ? response : undefined;
      },
      30_000,
    );
    expect((await e2e.api.terminal(risk.body.id as string)).status).toBe('SUCCEEDED');
    expect((await submitScrape(n++)).status).toBe(503);

    const metrics = await e2e.api.request<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/admission_rejections_total\{type="scrape",service="gateway"\} [1-9]/);
    expect(metrics.body).toMatch(
      /admission_backlog_messages\{type="scrape",service="gateway"\} (2[1-9]|[3-9]\d|\d{3,})/,
    );

    e2e.system.startService('scraper');
    const again = await eventually(
      'scrape submissions to be accepted once the backlog drained',
      async () => {
        const response = await submitScrape(n++);
        return response.status === 202 ? response : undefined;
      },
      90_000,
    );
    accepted.push(again.body.id as string);
    const jobs = await Promise.all(accepted.map((id) => e2e.api.terminal(id)));
    expect(jobs.map((job) => job.status)).toEqual(accepted.map(() => 'SUCCEEDED'));
  });
});
