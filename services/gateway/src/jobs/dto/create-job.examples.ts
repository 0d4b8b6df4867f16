import type { ExamplesObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** Request examples of POST /jobs, one per job type (a risk input needs >= 30 returns per symbol). */
const DAILY_RETURNS = Array.from({ length: 30 }, (_, day) => Math.round(Math.sin(day + 1) * 200) / 10_000);

export const CREATE_JOB_EXAMPLES: ExamplesObject = {
  scrape: {
    summary: 'Scrape a page',
    value: { type: 'scrape', input: { url: 'https://example.com/' }, priority: 'normal' },
  },
  risk: {
    summary: 'Historical VaR of one position',
    value: {
      type: 'risk',
      input: {
        method: 'historical',
        confidence: 0.99,
        horizonDays: 10,
        positions: [{ symbol: 'AAPL', quantity: 100, price: 190.5 }],
        returns: { AAPL: DAILY_RETURNS },
      },
    },
  },
};
