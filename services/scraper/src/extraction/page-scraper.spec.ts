import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PageFetcher } from '../fetching/page-fetcher';
import { ScrapeAborted, ScrapeFailure } from '../fetching/scrape-failure';
import { startTestServer, type TestServer } from '../../testing/http-test-server';
import { PageScraper } from './page-scraper';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, 'fixtures', name));

/** path -> [fixture, Content-Type] */
const pages: Record<string, [string, string]> = {
  '/news/2024/story.html': ['article.html', 'text/html; charset=utf-8'],
  '/legacy/header': ['legacy-cp1252-nometa.html', 'text/html; charset=windows-1252'],
  '/legacy/meta': ['legacy-cp1252-meta.html', 'text/html'],
  '/legacy/nothing': ['legacy-cp1252-nometa.html', 'text/html'],
  '/legacy/header-over-meta': ['meta-utf8-served-as-cp1252.html', 'text/html; charset=ISO-8859-1'],
  '/utf16le': ['utf16le-bom.html', 'text/html'],
  '/utf16be': ['utf16be-bom.html', 'text/html; charset=windows-1252'],
  '/docs/guide/start.html': ['base-href.html', 'application/xhtml+xml'],
};

function respond(res: ServerResponse, path: string): void {
  const redirects: Record<string, string> = {
    '/old-story': '/news/2024/moved',
    '/news/2024/moved': 'story.html',
  };
  if (redirects[path]) {
    res.writeHead(301, { location: redirects[path] });
    res.end();
    return;
  }
  const page = pages[path];
  if (!page) {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<h1>Not found</h1>');
    return;
  }
  const body = fixture(page[0]);
  res.writeHead(200, { 'content-type': page[1], 'content-length': body.length });
  res.end(body);
}

describe('PageScraper', () => {
  let server: TestServer;
  let fetcher: PageFetcher;
  let scraper: PageScraper;

  beforeAll(async () => {
    server = await startTestServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/hang') return; // never answers
      respond(res, path);
    });
    fetcher = new PageFetcher({ allowPrivateNetworks: true, timeoutMs: 5000 });
    scraper = new PageScraper(fetcher);
  });
  afterAll(async () => {
    await server.close();
    await fetcher.close();
  });

  it('produces a ScrapeResult for a redirected article', async () => {
    const before = Date.now();
    const result = await scraper.scrape(server.url('/old-story'));
    const base = server.url('/');
    expect(result).toEqual({
      url: server.url('/old-story'),
      finalUrl: server.url('/news/2024/story.html'),
      statusCode: 200,
      contentType: 'text/html; charset=utf-8',
      title: 'Breaking: Rust & TypeScript walk into a bar',
      description: 'A short story about two languages.',
      canonical: `${base}news/2024/rust-typescript-bar?ref=canonical`,
      lang: 'en-GB',
      h1: ['Rust & TypeScript walk into a bar', 'Second heading'],
      links: [
        base,
        `${base}news/`,
        `${base}about`,
        'http://cdn.example.net/assets/logo.svg', // protocol-relative: scheme of the (http) page
        `${base}news/2024/related/part-2.html`,
        'https://other.example.org/page?x=1&y=2',
      ],
      bytes: fixture('article.html').length,
      fetchedAt: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(new Date(result.fetchedAt).toISOString()).toBe(result.fetchedAt);
    expect(Date.parse(result.fetchedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Number.isInteger(result.durationMs)).toBe(true);
  });

  it.each([
    ['/legacy/header', 'Naïve café ‘quoted’ €'],
    ['/legacy/meta', 'Café – “Prix” 5€'],
    ['/legacy/nothing', 'Naïve café ‘quoted’ €'],
    ['/legacy/header-over-meta', 'café'],
    ['/utf16le', '日本語のページ — café'],
    ['/utf16be', '日本語のページ — café'],
  ])('decodes %s', async (path, title) => {
    expect((await scraper.scrape(server.url(path))).title).toBe(title);
  });

  it('resolves links against <base href> and the final URL', async () => {
    const result = await scraper.scrape(server.url('/docs/guide/start.html'));
    expect(result.contentType).toBe('application/xhtml+xml');
    expect(result.links[0]).toBe(server.url('/docs/v2/intro.html'));
    expect(result.links).toContain('http://mirror.example.com/docs/');
  });

  it('propagates failures', async () => {
    const error = await scraper.scrape(server.url('/missing')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScrapeFailure);
    expect(error).toMatchObject({ code: 'HTTP_404', retryable: false });
  });

  it('propagates cancellation', async () => {
    const controller = new AbortController();
    const seen = server.requests.length;
    const pending = scraper.scrape(server.url('/hang'), controller.signal);
    await server.waitForRequests(seen + 1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(ScrapeAborted);
  });
});
