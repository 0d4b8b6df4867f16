import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import { AddressPolicy } from './address-policy';
import { ScrapeAborted, ScrapeFailure } from './scrape-failure';

/** One address a hostname resolved to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to all of its addresses (like `dns.lookup(host, { all: true })`). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface PageFetcherOptions {
  /** Overall budget for the whole fetch (DNS, connect, every redirect hop, headers and body). Default 15000. */
  timeoutMs?: number;
  /** Largest body accepted, in bytes. Default 5 MiB. */
  maxBytes?: number;
  /** Redirects followed before failing with TOO_MANY_REDIRECTS. Default 5. */
  maxRedirects?: number;
  /** Turn the SSRF address policy off (tests / trusted networks). Default false. */
  allowPrivateNetworks?: boolean;
  /** Exact IP addresses exempt from the address policy. Default none. */
  allowedAddresses?: readonly string[];
  /** `User-Agent` header sent with every request. */
  userAgent?: string;
  /** DNS resolution used for connections. Default: the system resolver (`dns.lookup`, all addresses). */
  resolve?: HostResolver;
  /** Max connections per origin kept by the shared keep-alive agent. Default unlimited. */
  connectionsPerOrigin?: number;
}

export interface FetchedPage {
  /** The URL as requested. */
  url: string;
  /** The URL of the final response after redirects (normalized). */
  finalUrl: string;
  statusCode: number;
  /** The `Content-Type` header of the final response, as sent. */
  contentType: string;
  body: Buffer;
  /** Bytes of body read (`body.length`). */
  bytes: number;
  /** Whole fetch duration, integer milliseconds. */
  durationMs: number;
  /** When the fetch started, ISO 8601. */
  fetchedAt: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_USER_AGENT = 'event-jobs-scraper/0.1';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const REDIRECT_DRAIN_LIMIT = 64 * 1024;

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const TLS_CERT_CODES =
  /^(CERT_|ERR_TLS_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_)/;

/** Raised from inside the connection's DNS lookup when every resolved address is refused by the policy. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'ERR_BLOCKED_ADDRESS';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${host} resolves to ${address} (${reason}), which the address policy blocks`);
  }
}

const systemResolver: HostResolver = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Fetches HTML pages for the scraper with SSRF protection, manual redirect handling, an overall timeout,
 * a body size cap and a content-type allow-list. One instance owns one keep-alive connection pool; call
 * `close()` when done.
 */
export class PageFetcher {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  private readonly userAgent: string;
  private readonly policy: AddressPolicy;
  private readonly resolveHost: HostResolver;
  private readonly agent: Agent;

  constructor(options: PageFetcherOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.policy = new AddressPolicy({
      allowPrivateNetworks: options.allowPrivateNetworks ?? false,
      allowedAddresses: options.allowedAddresses ?? [],
    });
    this.resolveHost = options.resolve ?? systemResolver;
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? null,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: this.timeoutMs, lookup: this.lookup },
    });
  }

  /**
   * Fetches `url`, following redirects. Rejects with ScrapeFailure, or ScrapeAborted when `signal` fires.
   * `onBytes` hears of every body chunk of the final response: bytes so far, and Content-Length if any.
   */
  async fetch(url: string, signal?: AbortSignal, onBytes?: BytesReceived): Promise<FetchedPage> {
    if (signal?.aborted) throw new ScrapeAborted(signal.reason);
    const started = performance.now();
    const fetchedAt = new Date().toISOString();

    const controller = new AbortController();
    let abortedBy: 'timeout' | 'caller' | null = null;
    const timer = setTimeout(() => {
      abortedBy ??= 'timeout';
      controller.abort(new DOMException(`timed out after ${this.timeoutMs} ms`, 'TimeoutError'));
    }, this.timeoutMs);
    const onCallerAbort = (): void => {
      abortedBy ??= 'caller';
      controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    try {
      let current = parseHttpUrl(url, null);
      for (let redirects = 0; ; redirects++) {
        this.checkLiteralAddress(current);
        const response = await request(current, {
          dispatcher: this.agent,
          method: 'GET',
          headers: {
            'user-agent': this.userAgent,
            accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
          },
          signal: controller.signal,
        });
        const { statusCode, headers, body } = response;

        const location = header(headers, 'location');
        if (REDIRECT_STATUSES.has(statusCode) && location !== null) {
          await drain(body);
          if (redirects >= this.maxRedirects) {
            throw new ScrapeFailure(
              'TOO_MANY_REDIRECTS',
              `more than ${this.maxRedirects} redirects starting at ${url}`,
            );
          }
          current = parseHttpUrl(location, current);
          continue;
        }

        if (statusCode < 200 || statusCode > 299) {
          discard(body);
          throw ScrapeFailure.http(statusCode, current.href);
        }

        const contentType = header(headers, 'content-type');
        const essence = contentType?.split(';')[0].trim().toLowerCase() ?? '';
        if (contentType === null || !HTML_TYPES.has(essence)) {
          discard(body);
          throw new ScrapeFailure(
            'UNSUPPORTED_CONTENT_TYPE',
            `${current.href} is ${contentType ?? 'without Content-Type'}, expected text/html or application/xhtml+xml`,
          );
        }

        const declared = header(headers, 'content-length');
        if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > this.maxBytes) {
          discard(body);
          throw tooLarge(current, this.maxBytes, `Content-Length ${declared.trim()}`);
        }

        const expected = declared !== null && /^\d+$/.test(declared.trim()) ? Number(declared) : null;
        const buffer = await readCapped(body, this.maxBytes, current, onBytes, expected);
        return {
          url,
          finalUrl: current.href,
          statusCode,
          contentType: contentType.trim(),
          body: buffer,
          bytes: buffer.length,
          durationMs: Math.round(performance.now() - started),
          fetchedAt,
        };
      }
    } catch (error) {
      throw translateError(error, abortedBy, signal, this.timeoutMs, url);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** Closes the connection pool, waiting for in-flight requests. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Literal IP hosts never reach the DNS lookup, so they are checked here, on every hop. */
  private checkLiteralAddress(url: URL): void {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) === 0) return;
    const reason = this.policy.check(host);
    if (reason !== null) {
      throw new ScrapeFailure('BLOCKED_ADDRESS', `${url.href}: address ${host} is blocked (${reason})`);
    }
  }

  /** Resolves a hostname and keeps only the addresses the policy allows. */
  private async resolveAllowed(hostname: string): Promise<ResolvedAddress[]> {
    const addresses = await this.resolveHost(hostname);
    if (addresses.length === 0) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    const allowed = addresses.filter((a) => this.policy.isAllowed(a.address));
    if (allowed.length === 0) {
      const first = addresses[0].address;
      throw new BlockedAddressError(hostname, first, this.policy.check(first) ?? 'blocked');
    }
    return allowed;
  }

  /** `net.connect` lookup hook: resolution and the policy check happen here, after DNS, for every connection. */
  private readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    this.resolveAllowed(hostname).then(
      (addresses) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const wanted =
          family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (wanted.length === 0) {
          callback(
            Object.assign(new Error(`no IPv${family} address for ${hostname}`), { code: 'ENOTFOUND' }),
            '',
          );
        } else if (options.all) {
          callback(
            null,
            wanted.map((a) => ({ address: a.address, family: a.family })),
          );
        } else {
          callback(null, wanted[0].address, wanted[0].family);
        }
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ''),
    );
  };
}

function parseHttpUrl(input: string, base: URL | null): URL {
  let parsed: URL;
  try {
    parsed = base === null ? new URL(input) : new URL(input, base);
  } catch {
    throw new ScrapeFailure(
      'INVALID_URL',
      base === null ? `invalid URL: ${input}` : `invalid redirect Location from ${base.href}: ${input}`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ScrapeFailure(
      'INVALID_URL',
      base === null
        ? `unsupported scheme ${parsed.protocol} in ${input}`
        : `refusing redirect from ${base.href} to unsupported scheme ${parsed.protocol}`,
    );
  }
  parsed.hash = '';
  return parsed;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function tooLarge(url: URL, maxBytes: number, detail: string): ScrapeFailure {
  return new ScrapeFailure('RESPONSE_TOO_LARGE', `${url.href}: body exceeds ${maxBytes} bytes (${detail})`);
}

/** Discards a redirect body; small ones are read so the connection can be reused, big ones close it. */
async function drain(body: Dispatcher.ResponseData['body']): Promise<void> {
  try {
    await body.dump({ limit: REDIRECT_DRAIN_LIMIT });
  } catch {
    discard(body);
  }
}

/** Destroys a body we will not read; undici then emits an abort error nobody needs to see. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', ignore);
  body.destroy();
}

function ignore(): void {}

/** Progress of a body download: bytes received so far, and the Content-Length (null when absent). */
export type BytesReceived = (received: number, expected: number | null) => void;

async function readCapped(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  url: URL,
  onBytes: BytesReceived | undefined,
  expected: number | null,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      discard(body);
      throw tooLarge(url, maxBytes, `read ${total} bytes so far`);
    }
    chunks.push(chunk);
    onBytes?.(total, expected);
  }
  return Buffer.concat(chunks, total);
}

/** Walks an error, its `cause` chain and AggregateError members. */
function* errorChain(error: unknown, depth = 0): Generator<unknown> {
  if (error === null || error === undefined || depth > 8) return;
  yield error;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) yield* errorChain(inner, depth + 1);
  }
  if (error instanceof Error && error.cause !== undefined) yield* errorChain(error.cause, depth + 1);
}

function errorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return null;
}

function translateError(
  error: unknown,
  abortedBy: 'timeout' | 'caller' | null,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  url: string,
): ScrapeFailure | ScrapeAborted {
  if (error instanceof ScrapeFailure || error instanceof ScrapeAborted) return error;
  if (abortedBy === 'caller') return new ScrapeAborted(signal?.reason);
  if (abortedBy === 'timeout') {
    return new ScrapeFailure('TIMEOUT', `${url}: no complete response within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  const chain = [...errorChain(error)];
  const blocked = chain.find((e): e is BlockedAddressError => e instanceof BlockedAddressError);
  if (blocked) return new ScrapeFailure('BLOCKED_ADDRESS', `${url}: ${blocked.message}`, { cause: error });
  const codes = chain.map(errorCode).filter((c): c is string => c !== null);
  const message = error instanceof Error ? error.message : String(error);
  if (codes.some((c) => TIMEOUT_CODES.has(c))) {
    return new ScrapeFailure('TIMEOUT', `${url}: ${message}`, { cause: error });
  }
  if (codes.includes('UND_ERR_INVALID_ARG')) {
    return new ScrapeFailure('INVALID_URL', `${url}: ${message}`, { cause: error });
  }
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) {
    return new ScrapeFailure('RESPONSE_TOO_LARGE', `${url}: ${message}`, { cause: error });
  }
  const tls = codes.some((c) => TLS_CERT_CODES.test(c));
  return new ScrapeFailure('NETWORK_ERROR', `${url}: ${message}${codes.length ? ` (${codes[0]})` : ''}`, {
    cause: error,
    retryable: !tls,
  });
}
