import { defaultRetryable, ScrapeAborted, ScrapeFailure } from './scrape-failure';

describe('ScrapeFailure', () => {
  it.each([
    ['TIMEOUT', true],
    ['NETWORK_ERROR', true],
    ['TOO_MANY_REDIRECTS', false],
    ['RESPONSE_TOO_LARGE', false],
    ['UNSUPPORTED_CONTENT_TYPE', false],
    ['BLOCKED_ADDRESS', false],
    ['INVALID_URL', false],
    ['HTTP_404', false],
    ['HTTP_400', false],
    ['HTTP_408', true],
    ['HTTP_429', true],
    ['HTTP_500', true],
    ['HTTP_503', true],
  ] as const)('%s retryable: %s', (code, retryable) => {
    expect(defaultRetryable(code)).toBe(retryable);
    expect(new ScrapeFailure(code, 'x').retryable).toBe(retryable);
  });

  it('http() builds HTTP_<status> with the status code', () => {
    const failure = ScrapeFailure.http(503, 'https://example.com/');
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({
      code: 'HTTP_503',
      statusCode: 503,
      retryable: true,
      name: 'ScrapeFailure',
    });
  });

  it('retryable can be overridden', () => {
    expect(new ScrapeFailure('NETWORK_ERROR', 'tls', { retryable: false }).retryable).toBe(false);
  });

  it('ScrapeAborted is not a ScrapeFailure', () => {
    const aborted = new ScrapeAborted('bye');
    expect(aborted).not.toBeInstanceOf(ScrapeFailure);
    expect(aborted).toMatchObject({ code: 'CANCELLED', name: 'ScrapeAborted', cause: 'bye' });
  });
});
