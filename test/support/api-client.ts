import { TEST_ADMIN_KEY } from './test-keys';
import { eventually } from './wait';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A thin client of the gateway's REST API for tests. Sends `key` as a Bearer token (the harness's admin
 * key by default; null: none) unless a request sets Authorization or X-API-Key itself.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string | null = TEST_ADMIN_KEY,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { json?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const namesKey = Object.keys(headers).some((name) => /^(authorization|x-api-key)$/i.test(name));
    if (this.key !== null && !namesKey) headers.authorization = `Bearer ${this.key}`;
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    } else if (options.rawBody !== undefined) {
      body = options.rawBody;
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // leave as text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  submit(json: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return this.request('POST', '/jobs', { json, headers });
  }

  async submitScrape(url: string, headers: Record<string, string> = {}): Promise<string> {
    const response = await this.submit({ type: 'scrape', input: { url } }, headers);
    if (response.status !== 202)
      throw new Error(`submit failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  }

  async job(id: string): Promise<Record<string, unknown>> {
    const response = await this.request('GET', `/jobs/${id}`);
    if (response.status !== 200) throw new Error(`GET /jobs/${id}: ${response.status}`);
    return response.body;
  }

  /** Waits until the job reaches SUCCEEDED, FAILED or CANCELLED, and returns it. */
  terminal(id: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    return eventually(
      `job ${id} to finish`,
      async () => {
        const job = await this.job(id);
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status as string) ? job : undefined;
      },
      timeoutMs,
    );
  }
}
