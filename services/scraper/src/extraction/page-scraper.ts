import { performance } from 'node:perf_hooks';
import type { ScrapeResult } from '@app/contracts/plain';
import type { BytesReceived, PageFetcher } from '../fetching/page-fetcher';
import { decodeHtml } from './charset';
import { extractPage } from './page-extractor';

/**
 * The scrape stage's pure core: fetch (with SSRF/size/time limits) + charset decoding + extraction.
 * Failures surface as `ScrapeFailure` (with a contract error code) or `ScrapeAborted` (caller cancelled).
 */
export class PageScraper {
  constructor(private readonly fetcher: PageFetcher) {}

  async scrape(url: string, signal?: AbortSignal, onBytes?: BytesReceived): Promise<ScrapeResult> {
    const started = performance.now();
    const page = await this.fetcher.fetch(url, signal, onBytes);
    const text = decodeHtml(page.body, page.contentType);
    const extracted = extractPage(text, page.finalUrl);
    return {
      url,
      finalUrl: page.finalUrl,
      statusCode: page.statusCode,
      contentType: page.contentType,
      title: extracted.title,
      description: extracted.description,
      canonical: extracted.canonical,
      lang: extracted.lang,
      h1: extracted.h1,
      links: extracted.links,
      bytes: page.bytes,
      fetchedAt: page.fetchedAt,
      // whole scrape: fetch + decode + parse
      durationMs: Math.round(performance.now() - started),
    };
  }
}
