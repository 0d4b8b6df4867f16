/** Input of a `scrape` job, as accepted by `POST /jobs`. */
export interface ScrapeInput {
  url: string;
}

/** Result of a successful `scrape` job (stored in the read model and returned by `GET /jobs/{id}`). */
export interface ScrapeResult {
  url: string;
  finalUrl: string;
  statusCode: number;
  contentType: string;
  title: string | null;
  description: string | null;
  canonical: string | null;
  lang: string | null;
  h1: string[];
  links: string[];
  bytes: number;
  fetchedAt: string;
  durationMs: number;
}

/** Failure codes a scrape can end with. `HTTP_<status>` covers every non-2xx final status. */
export type ScrapeErrorCode =
  | `HTTP_${number}`
  | 'TIMEOUT'
  | 'NETWORK_ERROR'
  | 'TOO_MANY_REDIRECTS'
  | 'RESPONSE_TOO_LARGE'
  | 'UNSUPPORTED_CONTENT_TYPE'
  | 'BLOCKED_ADDRESS'
  | 'INVALID_URL';
