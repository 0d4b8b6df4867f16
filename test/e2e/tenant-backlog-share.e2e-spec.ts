import { ApiClient, type ApiResponse } from '../support/api-client';
import { useSystemUnderTest } from '../support/e2e-system';
import { eventually } from '../support/wait';

/**
 * With no scraper running, scrape jobs pile up. One tenant's flood takes at most its share of the
 * scrape admission limit (ADMISSION_TENANT_SHARE_PERCENT of ADMISSION_MAX_LAG_SCRAPE), then gets 429,
 * while another tenant is still admitted: one tenant's burst does not push the others into 503.
 */
describe('tenant backlog shares (end to end)', () => {
  const e2e = useSystemUnderTest({
    services: ['gateway', 'projector'],
    env: {
      ADMISSION_MAX_LAG_SCRAPE: '20',
      ADMISSION_POLL_MS: '200',
      ADMISSION_TENANT_SHARE_PERCENT: '50',
    },
  });

  const keyOf = async (tenant: string): Promise<ApiClient> => {
    const created = await e2e.api.request('POST', '/admin/keys', { json: { tenant, role: 'member' } });
    expect(created.status).toBe(201);
    return new ApiClient(e2e.system.baseUrl, created.body.key as string);
  };
  const submit = (client: ApiClient, n: number): Promise<ApiResponse> =>
    client.submit({ type: 'scrape', input: { url: `https://example.com/${n}` } });

  it('refuses a flooding tenant at its share with 429 and still admits another tenant', async () => {
    const flood = await keyOf('flood');
    const calm = await keyOf('calm');
    let n = 0;
    let accepted = 0;
    const refused = await eventually(
      'the flooding tenant to be refused',
      async () => {
        const response = await submit(flood, n++);
        if (response.status === 202) accepted += 1;
        else if (response.status === 429) return response;
        else throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
        return undefined;
      },
      60_000,
    );
    // The share is 10 jobs; the counts lag a sample behind, so a few more may get in, never the limit.
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThan(20);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused.body).toMatchObject({ status: 429, detail: expect.stringContaining('Tenant flood') });

    // Another tenant is admitted meanwhile, and the flood stays refused.
    for (let i = 0; i < 3; i++) expect((await submit(calm, 1000 + i)).status).toBe(202);
    expect((await submit(flood, n++)).status).toBe(429);
  });
});
