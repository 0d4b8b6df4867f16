import type { JobRequestedData, ScrapeInput } from '@app/contracts';
import { StageFailure, type StageExecutionContext, type StageExecutor } from '@app/platform';
import type { PageScraper } from './extraction/page-scraper';

/**
 * The scrape stage's work: fetch and extract one page, reporting bytes received as progress. Failures
 * carry the contract's error codes.
 */
export class ScrapeExecutor implements StageExecutor {
  constructor(private readonly scraper: PageScraper) {}

  async execute(request: JobRequestedData, context: StageExecutionContext): Promise<Record<string, unknown>> {
    const input = request.input as Partial<ScrapeInput>;
    if (typeof input.url !== 'string') throw new StageFailure('INVALID_INPUT', 'input.url is missing', false);
    // Bytes of the body as they arrive (rate-limited by the context: a fast page reports nothing). The
    // last chunk of a body of known length is not reported: the outcome follows at once.
    const result = await this.scraper.scrape(input.url, context.signal, (received, expected) => {
      if (received !== expected) context.progress({ done: received, total: expected, unit: 'bytes' });
    });
    // Seen by the job's owner only when the attempt ran long enough to report (a slow page).
    if (result.finalUrl !== result.url) context.log('info', `redirected to ${result.finalUrl}`);
    return { ...result };
  }
}
