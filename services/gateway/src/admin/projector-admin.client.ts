import { DependencyUnavailableError } from '../http/api-errors';

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: string;
}

/** The projector's admin HTTP API (it owns the read models and their rebuild). */
export class ProjectorAdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  forward(method: 'GET' | 'POST', path: string, correlationId?: string): Promise<UpstreamResponse> {
    return this.request(method, path, correlationId);
  }

  private async request(method: string, path: string, correlationId?: string): Promise<UpstreamResponse> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: correlationId ? { 'x-request-id': correlationId } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DependencyUnavailableError('The projector', error);
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'application/json',
      body: await response.text(),
    };
  }
}
