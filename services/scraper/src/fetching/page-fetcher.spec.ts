import type { IncomingMessage, ServerResponse } from 'node:http';
import { PageFetcher, type HostResolver, type PageFetcherOptions } from './page-fetcher';
import { ScrapeAborted, ScrapeFailure } from './scrape-failure';
import { startTestServer, unusedPort, type TestServer } from '../../testing/http-test-server';

const HTML = '<!doctype html><html><head><title>Hello</title></head><body><h1>Hi</h1></body></html>';

function html(
  res: ServerResponse,
  body: string | Buffer = HTML,
  contentType = 'text/html; charset=utf-8',
): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { location, 'content-length': '0' });
  res.end();
}

/** Writes chunks forever (until the client goes away). */
function endlessChunks(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html' });
  const chunk = Buffer.alloc(16 * 1024, 'a');
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk)) {
      /* keep writing until backpressure */
    }
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/page': (_req, res) => html(res),
  '/xhtml': (_req, res) => html(res, HTML, 'application/xhtml+xml; charset=utf-8'),
  '/upper-type': (_req, res) => html(res, HTML, 'Text/HTML;Charset=UTF-8'),
  '/json': (_req, res) => html(res, '{"a":1}', 'application/json'),
  '/no-type': (_req, res) => {
    res.writeHead(200, { 'content-length': '2' });
    res.end('hi');
  },
  '/ua': (req, res) => html(res, `<title>${req.headers['user-agent'] ?? ''}</title>`),
  '/ftp': (_req, res) => redirect(res, 'ftp://files.example.com/pub/file.txt'),
  '/js-redirect': (_req, res) => redirect(res, 'javascript:alert(1)'),
  '/bad-location': (_req, res) => redirect(res, 'http://exa mple.com:99999/'),
  '/rel/a/b': (_req, res) => redirect(res, '../c?x=1#frag', 301),
  '/rel/c': (_req, res) => redirect(res, '/page', 303),
  '/r307': (_req, res) => redirect(res, '/r308', 307),
  '/r308': (_req, res) => redirect(res, '/page', 308),
  '/redirect-no-location': (_req, res) => {
    res.writeHead(302, { 'content-length': '0' });
    res.end();
  },
  '/redirect-with-body': (_req, res) => {
    const body = 'x'.repeat(10_000);
    res.writeHead(302, { location: '/page', 'content-type': 'text/html', 'content-length': body.length });
    res.end(body);
  },
  '/hang': () => {
    /* never answers */
  },
  '/slow-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write('<html><title>partial');
    /* never ends */
  },
  '/redirect-to-hang': (_req, res) => redirect(res, '/hang'),
  '/big-declared': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': '2000' });
    res.write('<html>'); // declares more than maxBytes; sends only a little and hangs
  },
  '/big-chunked': (_req, res) => endlessChunks(res),
  '/exactly-1000': (_req, res) => html(res, Buffer.alloc(1000, 'b')),
  '/exactly-1001-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write(Buffer.alloc(600, 'c'));
    res.end(Buffer.alloc(401, 'c'));
  },
  '/to-internal': (req, res) => redirect(res, `http://internal.test:${req.socket.localPort}/page`),
  '/to-loopback-literal': (req, res) => redirect(res, `http://127.0.0.1:${req.socket.localPort}/page`),
  '/to-metadata': (_req, res) => redirect(res, 'http://169.254.169.254/latest/meta-data/'),
  '/to-public': (req, res) => redirect(res, `http://public.test:${req.socket.localPort}/page`),
};

function handler(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    res.writeHead(Number(status[1]), { 'content-type': 'text/html', 'content-length': '5' });
    res.end('error');
    return;
  }
  const chain = /^\/chain\/(\d+)$/.exec(path);
  if (chain) {
    const left = Number(chain[1]);
    if (left === 0) html(res);
    else redirect(res, `/chain/${left - 1}`);
    return;
  }
  const route = routes[path];
  if (route) route(req, res);
  else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
}

async function failure(promise: Promise<unknown>): Promise<ScrapeFailure> {
  const error = await promise.then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScrapeFailure);
  return error as ScrapeFailure;
}

describe('PageFetcher', () => {
  let server: TestServer;
  const fetchers: PageFetcher[] = [];
  const make = (options: PageFetcherOptions = {}): PageFetcher => {
    const fetcher = new PageFetcher({ allowPrivateNetworks: true, timeoutMs: 5000, ...options });
    fetchers.push(fetcher);
    return fetcher;
  };

  beforeAll(async () => {
    server = await startTestServer(handler);
  });
  afterAll(async () => {
    await server.close();
    await Promise.all(fetchers.map((f) => f.close()));
  });

  describe('success', () => {
    it('fetches an HTML page with metadata', async () => {
      const before = Date.now();
      const page = await make().fetch(server.url('/page'));
      expect(page).toMatchObject({
        url: server.url('/page'),
        finalUrl: server.url('/page'),
        statusCode: 200,
        contentType: 'text/html; charset=utf-8',
        bytes: Buffer.byteLength(HTML),
      });
      expect(page.body.toString('utf8')).toBe(HTML);
      expect(Number.isInteger(page.durationMs)).toBe(true);
      expect(page.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(page.fetchedAt)).toBeGreaterThanOrEqual(before - 1);
      expect(new Date(page.fetchedAt).toISOString()).toBe(page.fetchedAt);
    });

    it('accepts application/xhtml+xml and is case-insensitive about the media type', async () => {
      const fetcher = make();
      await expect(fetcher.fetch(server.url('/xhtml'))).resolves.toMatchObject({ statusCode: 200 });
      await expect(fetcher.fetch(server.url('/upper-type'))).resolves.toMatchObject({ statusCode: 200 });
    });

    it('sends the configured User-Agent', async () => {
      const page = await make({ userAgent: 'TestBot/1.0' }).fetch(server.url('/ua'));
      expect(page.body.toString()).toBe('<title>TestBot/1.0</title>');
    });

    it.each([
      ['default pool', {}, 4],
      ['one connection per origin', { connectionsPerOrigin: 1 }, 1],
    ])('reuses keep-alive connections across fetches (%s)', async (_name, options, maxConnections) => {
      const fetcher = make(options);
      const ports = new Set<number>();
      const tracking = await startTestServer((req, res) => {
        ports.add(req.socket.remotePort ?? -1);
        html(res);
      });
      try {
        for (let i = 0; i < 8; i++) await fetcher.fetch(tracking.url('/'));
        expect(ports.size).toBeLessThanOrEqual(maxConnections);
      } finally {
        await tracking.close();
      }
    });

    it('accepts a body of exactly maxBytes', async () => {
      const page = await make({ maxBytes: 1000 }).fetch(server.url('/exactly-1000'));
      expect(page.bytes).toBe(1000);
    });
  });

  describe('redirects', () => {
    it('follows a chain of 3 and reports the final URL', async () => {
      const page = await make().fetch(server.url('/chain/3'));
      expect(page.url).toBe(server.url('/chain/3'));
      expect(page.finalUrl).toBe(server.url('/chain/0'));
      expect(page.statusCode).toBe(200);
    });

    it('follows exactly maxRedirects (5)', async () => {
      const page = await make().fetch(server.url('/chain/5'));
      expect(page.finalUrl).toBe(server.url('/chain/0'));
    });

    it('fails with TOO_MANY_REDIRECTS on the 6th redirect', async () => {
      const error = await failure(make().fetch(server.url('/chain/6')));
      expect(error.code).toBe('TOO_MANY_REDIRECTS');
      expect(error.retryable).toBe(false);
    });

    it('honours a custom maxRedirects', async () => {
      expect((await failure(make({ maxRedirects: 1 }).fetch(server.url('/chain/2')))).code).toBe(
        'TOO_MANY_REDIRECTS',
      );
      const error = await failure(make({ maxRedirects: 0 }).fetch(server.url('/chain/1')));
      expect(error.code).toBe('TOO_MANY_REDIRECTS');
    });

    it('resolves relative Location headers against the current URL (301/303/307/308) and drops fragments', async () => {
      expect((await make().fetch(server.url('/rel/a/b'))).finalUrl).toBe(server.url('/page'));
      expect((await make().fetch(server.url('/r307'))).finalUrl).toBe(server.url('/page'));
    });

    it('drains redirect bodies', async () => {
      expect((await make().fetch(server.url('/redirect-with-body'))).finalUrl).toBe(server.url('/page'));
    });

    it('refuses a redirect to ftp:', async () => {
      const error = await failure(make().fetch(server.url('/ftp')));
      expect(error.code).toBe('INVALID_URL');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('ftp:');
    });

    it('refuses a redirect to javascript: and an unparseable Location', async () => {
      expect((await failure(make().fetch(server.url('/js-redirect')))).code).toBe('INVALID_URL');
      expect((await failure(make().fetch(server.url('/bad-location')))).code).toBe('INVALID_URL');
    });

    it('treats a 3xx without Location as a final non-2xx response', async () => {
      const error = await failure(make().fetch(server.url('/redirect-no-location')));
      expect(error.code).toBe('HTTP_302');
      expect(error.retryable).toBe(false);
    });
  });

  describe('HTTP status failures', () => {
    it.each([
      [404, false],
      [400, false],
      [403, false],
      [410, false],
      [408, true],
      [429, true],
      [500, true],
      [502, true],
      [503, true],
    ])('HTTP %i (retryable: %s)', async (status, retryable) => {
      const error = await failure(make().fetch(server.url(`/status/${status}`)));
      expect(error.code).toBe(`HTTP_${status}`);
      expect(error.statusCode).toBe(status);
      expect(error.retryable).toBe(retryable);
    });
  });

  describe('content type and size', () => {
    it('rejects application/json with UNSUPPORTED_CONTENT_TYPE', async () => {
      const error = await failure(make().fetch(server.url('/json')));
      expect(error.code).toBe('UNSUPPORTED_CONTENT_TYPE');
      expect(error.retryable).toBe(false);
    });

    it('rejects a response without Content-Type', async () => {
      expect((await failure(make().fetch(server.url('/no-type')))).code).toBe('UNSUPPORTED_CONTENT_TYPE');
    });

    it('rejects early when Content-Length exceeds maxBytes (without waiting for the body)', async () => {
      // The server never finishes this body: only the early Content-Length check can end the fetch in time.
      const error = await failure(make({ maxBytes: 1000 }).fetch(server.url('/big-declared')));
      expect(error.code).toBe('RESPONSE_TOO_LARGE');
      expect(error.retryable).toBe(false);
    });

    it('aborts a chunked body as soon as it exceeds maxBytes', async () => {
      // The server streams forever: only aborting mid-stream can end the fetch.
      const error = await failure(make({ maxBytes: 100_000 }).fetch(server.url('/big-chunked')));
      expect(error.code).toBe('RESPONSE_TOO_LARGE');
    });

    it('rejects a chunked body one byte over maxBytes', async () => {
      expect((await failure(make({ maxBytes: 1000 }).fetch(server.url('/exactly-1001-chunked')))).code).toBe(
        'RESPONSE_TOO_LARGE',
      );
    });
  });

  describe('timeouts and cancellation', () => {
    it('fails with TIMEOUT when the server never answers', async () => {
      const error = await failure(make({ timeoutMs: 200 }).fetch(server.url('/hang')));
      expect(error.code).toBe('TIMEOUT');
      expect(error.retryable).toBe(true);
    });

    it('the timeout also covers a body that never ends', async () => {
      const error = await failure(make({ timeoutMs: 200 }).fetch(server.url('/slow-body')));
      expect(error.code).toBe('TIMEOUT');
    });

    it('the timeout covers the whole redirect chain', async () => {
      expect((await failure(make({ timeoutMs: 200 }).fetch(server.url('/redirect-to-hang')))).code).toBe(
        'TIMEOUT',
      );
    });

    it('caller abort -> ScrapeAborted, not a timeout', async () => {
      const controller = new AbortController();
      const seen = server.requests.length;
      const pending = make({ timeoutMs: 10_000 }).fetch(server.url('/hang'), controller.signal);
      await server.waitForRequests(seen + 1);
      controller.abort(new Error('shutting down'));
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScrapeAborted);
      expect(error).not.toBeInstanceOf(ScrapeFailure);
      expect((error as ScrapeAborted).code).toBe('CANCELLED');
    });

    it('caller abort while the body streams -> ScrapeAborted', async () => {
      const controller = new AbortController();
      const seen = server.requests.length;
      const pending = make({ timeoutMs: 10_000 }).fetch(server.url('/slow-body'), controller.signal);
      await server.waitForRequests(seen + 1);
      controller.abort();
      await expect(pending).rejects.toBeInstanceOf(ScrapeAborted);
    });

    it('an already-aborted signal fails without sending a request', async () => {
      const seen = server.requests.length;
      await expect(make().fetch(server.url('/page'), AbortSignal.abort())).rejects.toBeInstanceOf(
        ScrapeAborted,
      );
      expect(server.requests.length).toBe(seen);
    });
  });

  describe('network errors and invalid input', () => {
    it('connection refused -> NETWORK_ERROR (retryable)', async () => {
      const port = await unusedPort();
      const error = await failure(make().fetch(`http://127.0.0.1:${port}/`));
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.retryable).toBe(true);
    });

    it('DNS failure -> NETWORK_ERROR (retryable)', async () => {
      const resolve: HostResolver = async (host) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      };
      const error = await failure(make({ resolve }).fetch('http://nowhere.test/'));
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.retryable).toBe(true);
    });

    it.each(['not a url', '/relative/path', 'ftp://example.com/', 'file:///etc/passwd', 'data:text/html,hi'])(
      'rejects %j with INVALID_URL',
      async (url) => {
        const error = await failure(make().fetch(url));
        expect(error.code).toBe('INVALID_URL');
        expect(error.retryable).toBe(false);
      },
    );
  });

  describe('SSRF protection (allowPrivateNetworks: false)', () => {
    const strict = (options: PageFetcherOptions = {}): PageFetcher =>
      make({ allowPrivateNetworks: false, ...options });

    it.each([
      ['literal loopback', () => server.url('/page')],
      ['localhost (DNS -> loopback)', () => `http://localhost:${server.port}/page`],
      ['IPv6 loopback', () => `http://[::1]:${server.port}/page`],
      ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${server.port}/page`],
      ['hex-encoded loopback', () => `http://0x7f000001:${server.port}/page`],
      ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
      ['private 10/8', () => 'http://10.1.2.3/'],
      ['unspecified', () => `http://0.0.0.0:${server.port}/page`],
    ])('blocks %s', async (_name, url) => {
      const seen = server.requests.length;
      const error = await failure(strict().fetch(url()));
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(error.retryable).toBe(false);
      expect(server.requests.length).toBe(seen);
    });

    it('blocks a public-looking host that resolves to loopback (check after DNS)', async () => {
      const resolve: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
      const seen = server.requests.length;
      const error = await failure(strict({ resolve }).fetch(`http://public.test:${server.port}/page`));
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(error.message).toContain('public.test');
      expect(server.requests.length).toBe(seen);
    });

    describe('on a redirect hop', () => {
      // The test server stands in for a public site: its address is exempted from the policy, and
      // `public.test` resolves to it. `internal.test` resolves to a private address.
      const hosts: Record<string, string> = { 'public.test': '127.0.0.1', 'internal.test': '10.0.0.7' };
      const resolve: HostResolver = async (host) => {
        const address = hosts[host];
        if (!address) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return [{ address, family: 4 }];
      };
      const fetcher = (): PageFetcher => strict({ resolve, allowedAddresses: ['127.0.0.1'] });

      it('allows the exempted "public" server itself', async () => {
        const page = await fetcher().fetch(`http://public.test:${server.port}/page`);
        expect(page.statusCode).toBe(200);
      });

      it('follows a redirect between allowed hosts', async () => {
        const page = await fetcher().fetch(`http://127.0.0.1:${server.port}/to-public`);
        expect(page.finalUrl).toBe(`http://public.test:${server.port}/page`);
      });

      it('blocks a redirect to a hostname resolving to a private address', async () => {
        const seen = server.requests.length;
        const error = await failure(fetcher().fetch(`http://public.test:${server.port}/to-internal`));
        expect(error.code).toBe('BLOCKED_ADDRESS');
        expect(server.requests.slice(seen)).toEqual(['GET /to-internal']); // first hop went through
        expect(error.message).toContain('internal.test');
      });

      it('blocks a redirect to a literal metadata address', async () => {
        const error = await failure(fetcher().fetch(`http://public.test:${server.port}/to-metadata`));
        expect(error.code).toBe('BLOCKED_ADDRESS');
      });
    });

    it('keeps only allowed addresses when a host resolves to a mix', async () => {
      const resolve: HostResolver = async () => [
        { address: '10.0.0.1', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ];
      const page = await strict({ resolve, allowedAddresses: ['127.0.0.1'] }).fetch(
        `http://mixed.test:${server.port}/page`,
      );
      expect(page.statusCode).toBe(200);
    });
  });
});
