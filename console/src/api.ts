/** RFC 9457 problem details, as every error of the API comes (docs/api.md). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  instance?: string;
  correlationId?: string;
  errors?: { path: string; message: string }[];
}

export type Role = 'admin' | 'member' | 'reader';

export interface Caller {
  keyId: string;
  tenant: string;
  role: Role;
}

const RANK: Record<Role, number> = { reader: 1, member: 2, admin: 3 };

/** The same rule as the gateway's: each role may do what the roles below it may. */
export function roleAllows(held: Role, required: Role): boolean {
  return RANK[held] >= RANK[required];
}

/** An answer other than 2xx: its problem+json (or one made up from the status when it had none). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title ?? ''}: ${problem.detail ?? ''}`);
  }
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body === 'object' && body !== null) return { ...body, status: response.status };
  } catch {
    // not JSON: fall through
  }
  return { status: response.status, title: response.statusText, detail: text.slice(0, 500) };
}

const KEY_STORAGE = 'event-jobs.api-key';

/** The key lives in sessionStorage only: gone when the browser tab closes, never in localStorage. */
export const keyStore = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string): void => sessionStorage.setItem(KEY_STORAGE, key),
  clear: (): void => sessionStorage.removeItem(KEY_STORAGE),
};

/**
 * The public REST API on the console's own origin, with the key as `Authorization: Bearer`. A 401
 * (key revoked or expired meanwhile) calls `onUnauthorized`, which sends the user back to the key form.
 */
export class Api {
  constructor(
    private readonly key: string,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.key}`, accept: 'application/json', ...extra };
  }

  async request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
    const headers = this.headers(body === undefined ? {} : { 'content-type': 'application/json' });
    const response = await fetch(path, {
      ...init,
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      throw new ApiError(await problemOf(response));
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : null) as T;
  }

  /** A binary answer (a page image) as a Blob. */
  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    const response = await fetch(path, { headers: this.headers({ accept: '*/*' }), signal });
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      throw new ApiError(await problemOf(response));
    }
    return response.blob();
  }

  /**
   * `POST` of a multipart form (an upload), with XMLHttpRequest rather than fetch: its upload events
   * tell how many bytes of the body were sent (`onProgress(sent, total)`, total null when unknown).
   */
  upload<T>(
    path: string,
    form: FormData,
    onProgress?: (sent: number, total: number | null) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', path);
      for (const [name, value] of Object.entries(this.headers())) request.setRequestHeader(name, value);
      const report = (event: ProgressEvent): void =>
        onProgress?.(event.loaded, event.lengthComputable ? event.total : null);
      request.upload.addEventListener('progress', report);
      request.upload.addEventListener('load', report);
      request.addEventListener('error', () => reject(new TypeError('The upload did not reach the gateway')));
      request.addEventListener('abort', () => reject(new TypeError('The upload was aborted')));
      request.addEventListener('load', () => {
        const response = new Response(request.responseText, { status: request.status });
        if (request.status < 200 || request.status >= 300) {
          if (request.status === 401) this.onUnauthorized();
          void problemOf(response).then((problem) => reject(new ApiError(problem)), reject);
          return;
        }
        response.json().then((body) => resolve(body as T), reject);
      });
      request.send(form);
    });
  }

  get<T>(path: string, init: RequestInit = {}): Promise<T> {
    return this.request<T>('GET', path, undefined, init);
  }

  /** Opens a stream (SSE over fetch, so that the key travels in a header); throws ApiError when refused. */
  async openStream(path: string, signal: AbortSignal, lastEventId: string | null): Promise<Response> {
    const response = await fetch(path, {
      headers: this.headers({
        accept: 'text/event-stream',
        ...(lastEventId === null ? {} : { 'Last-Event-ID': lastEventId }),
      }),
      signal,
    });
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      throw new ApiError(await problemOf(response));
    }
    return response;
  }
}

/** `?a=1&b=2` of the defined values (empty string when none). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
