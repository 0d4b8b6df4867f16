import 'reflect-metadata';
import { HttpUrlConstraint, validatePlain } from '@app/contracts';
import { SUBMITTABLE_INPUTS } from './job-inputs';
import { SCRAPE_URL_PATTERN } from './scrape-url-pattern';

const errorsOf = (url: unknown) => {
  const outcome = validatePlain(SUBMITTABLE_INPUTS.scrape, { url }, 'input');
  return outcome.ok ? [] : outcome.errors;
};

describe('the scrape URL of POST /jobs', () => {
  it.each([
    'https://example.com/',
    'http://127.0.0.1:8080/article?n=1#top',
    'http://[::1]/',
    'http://[2001:db8::8a2e:370:7334]:443/a',
    'http://localhost',
    'https://sub-domain.example.co.uk/a%20b/c?d=e&f=%zz',
    'http://0.0.0.0/',
  ])('accepts %s, which the URL parser reads as http(s) with a host', (url) => {
    expect(SCRAPE_URL_PATTERN.test(url)).toBe(true);
    expect(new HttpUrlConstraint().validate(url)).toBe(true);
    expect(errorsOf(url)).toEqual([]);
  });

  it.each([
    'ftp://x',
    'HTTP://EXAMPLE.COM/',
    'http://a.1/',
    'http://xn--abc.com/',
    'http://a:99999/',
    'http://[:::]/',
    'https://bücher.de/',
    'https://example.com/a b',
    'http:///a',
  ])('refuses %s with one field error', (url) => {
    expect(errorsOf(url)).toEqual([{ path: 'input.url', message: expect.stringContaining('http') }]);
  });

  it('keeps the contracts’ limits: at most 2048 characters, a non-empty string', () => {
    expect(errorsOf(`https://example.com/${'x'.repeat(3000)}`)).toEqual([
      { path: 'input.url', message: expect.stringContaining('2048') },
    ]);
    expect(errorsOf('').length).toBeGreaterThan(0);
    expect(errorsOf(42).length).toBeGreaterThan(0);
  });
});
