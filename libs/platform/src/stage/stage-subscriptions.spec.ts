import { stageSubscriptions } from './stage-subscriptions';

describe('stageSubscriptions', () => {
  it("gives a request stage one group per priority over its type's topics and the shared ones", () => {
    expect(
      stageSubscriptions('scraper', { requestsOf: 'scrape' }, ['scrape.retry.1', 'scrape.retry.2']),
    ).toEqual([
      { groupId: 'scraper.high', topics: ['scrape.requested.high', 'jobs.requested.high'] },
      {
        groupId: 'scraper',
        topics: ['scrape.requested', 'jobs.requested', 'scrape.retry.1', 'scrape.retry.2'],
      },
      { groupId: 'scraper.low', topics: ['scrape.requested.low', 'jobs.requested.low'] },
    ]);
  });

  it("never reads another type's own request topics", () => {
    const topics = stageSubscriptions('risk', { requestsOf: 'risk' }, []).flatMap((s) => s.topics);
    expect(topics.filter((topic) => /^(scrape|documents)\./.test(topic))).toEqual([]);
  });

  it('gives a stage that follows other events one group', () => {
    expect(stageSubscriptions('documents-ocr', { topics: ['documents.events'] }, ['ocr.retry.1'])).toEqual([
      { groupId: 'documents-ocr', topics: ['documents.events', 'ocr.retry.1'] },
    ]);
  });
});
