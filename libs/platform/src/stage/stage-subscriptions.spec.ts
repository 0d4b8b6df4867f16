import { stageSubscriptions } from './stage-subscriptions';

describe('stageSubscriptions', () => {
  it('gives a request-consuming stage one group per priority, keeping the original group for normal', () => {
    expect(stageSubscriptions('scraper', ['jobs.requested'], ['scrape.retry.1', 'scrape.retry.2'])).toEqual([
      { groupId: 'scraper.high', topics: ['jobs.requested.high'] },
      { groupId: 'scraper', topics: ['jobs.requested', 'scrape.retry.1', 'scrape.retry.2'] },
      { groupId: 'scraper.low', topics: ['jobs.requested.low'] },
    ]);
  });

  it('gives a stage that follows other events one group', () => {
    expect(stageSubscriptions('documents-ocr', ['documents.events'], ['ocr.retry.1'])).toEqual([
      { groupId: 'documents-ocr', topics: ['documents.events', 'ocr.retry.1'] },
    ]);
  });
});
