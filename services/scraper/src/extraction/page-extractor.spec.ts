import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHtml } from './charset';
import { extractPage } from './page-extractor';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('extractPage', () => {
  describe('a real-world-shaped article (fixtures/article.html)', () => {
    const page = extractPage(
      fixture('article.html'),
      'https://www.example.com/news/2024/story.html?utm=1#top',
    );

    it('title: first <title>, whitespace collapsed, entities decoded (svg <title> ignored)', () => {
      expect(page.title).toBe('Breaking: Rust & TypeScript walk into a bar');
    });

    it('description: first meta name=description, case-insensitive, trimmed', () => {
      expect(page.description).toBe('A short story about two languages.');
    });

    it('canonical: first rel=canonical (case-insensitive token), resolved', () => {
      expect(page.canonical).toBe('https://www.example.com/news/2024/rust-typescript-bar?ref=canonical');
    });

    it('lang: trimmed <html lang>', () => {
      expect(page.lang).toBe('en-GB');
    });

    it('h1: descendant text of every non-empty <h1>, no script text, no template content', () => {
      expect(page.h1).toEqual(['Rust & TypeScript walk into a bar', 'Second heading']);
    });

    it('links: absolute http(s), fragment-free, unique in first-seen order', () => {
      expect(page.links).toEqual([
        'https://www.example.com/',
        'https://www.example.com/news/',
        'https://www.example.com/about',
        'https://cdn.example.net/assets/logo.svg',
        'https://www.example.com/news/2024/related/part-2.html',
        'https://other.example.org/page?x=1&y=2',
      ]);
    });

    it('drops mailto:, tel:, javascript:, data:, ftp:, bare fragments, empty and invalid hrefs', () => {
      const joined = page.links.join(' ');
      for (const bad of [
        'mailto',
        'tel:',
        'javascript',
        'data:',
        'ftp:',
        '#',
        'exa mple',
        'in-template',
        'script',
      ]) {
        expect(joined).not.toContain(bad);
      }
    });
  });

  describe('<base href> (fixtures/base-href.html)', () => {
    const page = extractPage(fixture('base-href.html'), 'http://docs.example.com/guide/start.html');

    it('resolves links against the first <base href>, itself resolved against the page URL', () => {
      expect(page.links).toEqual([
        'http://docs.example.com/docs/v2/intro.html',
        'http://docs.example.com/docs/v1/intro.html',
        'http://docs.example.com/root.html',
        'http://mirror.example.com/docs/', // protocol-relative takes the base's scheme
        'http://docs.example.com/docs/v2/?page=2',
      ]);
    });

    it('resolves the canonical against the base too', () => {
      expect(page.canonical).toBe('http://docs.example.com/docs/v2/intro.html');
    });

    it('has no lang / description', () => {
      expect(page).toMatchObject({ title: 'Docs', lang: null, description: null });
    });
  });

  describe('malformed HTML (fixtures/malformed.html)', () => {
    const page = extractPage(fixture('malformed.html'), 'https://exemple.fr/a/b');

    it('still finds title, lang, headings and links like a browser would', () => {
      expect(page.title).toBe('Page cassée');
      expect(page.lang).toBe('fr');
      // The first <h1> is implicitly closed by the second one (headings cannot nest).
      expect(page.h1).toEqual(['Titre un', 'Titre deux']);
      expect(page.links).toEqual([
        'https://exemple.fr/un',
        'https://exemple.fr/deux',
        'https://exemple.fr/trois',
        'https://exemple.fr/quatre',
        'https://exemple.fr/six',
        'https://exemple.fr/sept',
      ]);
    });
  });

  it('no title -> null (fixtures/no-title.html)', () => {
    const page = extractPage(fixture('no-title.html'), 'https://example.com/dir/');
    expect(page).toEqual({
      title: null,
      description: null,
      canonical: null,
      lang: null,
      h1: [],
      links: ['https://example.com/dir/page.html'],
    });
  });

  it('decoded legacy fixture round-trips through the extractor', () => {
    const body = readFileSync(join(__dirname, 'fixtures', 'legacy-cp1252-meta.html'));
    const page = extractPage(decodeHtml(body, 'text/html'), 'http://old.example.com/');
    expect(page.title).toBe('Café – “Prix” 5€');
    expect(page.description).toBe('L’été à Paris');
    expect(page.h1).toEqual(['Crème brûlée • 3€']);
  });

  it.each([
    ['empty title', '<title>  \n </title>', null],
    ['title with nbsp and tabs', '<title>\tA&nbsp;&nbsp;B\n\nC </title>', 'A B C'],
    ['title in body is still the document title', '<body><p>x</p><title>Late</title>', 'Late'],
    ['only the first title counts', '<title>One</title><title>Two</title>', 'One'],
    ['svg title is not the document title', '<svg><title>Icon</title></svg>', null],
  ])('title: %s', (_name, html, expected) => {
    expect(extractPage(html, 'https://example.com/').title).toBe(expected);
  });

  it.each([
    ['absent', '<p>x</p>', null],
    ['empty', '<html lang="  ">', null],
    ['present', '<html lang="de-AT">', 'de-AT'],
  ])('lang: %s', (_name, html, expected) => {
    expect(extractPage(html, 'https://example.com/').lang).toBe(expected);
  });

  it.each([
    ['absent', '<meta name="keywords" content="a">', null],
    ['upper-case name', '<meta NAME="DESCRIPTION" content=" Hi ">', 'Hi'],
    ['empty content', '<meta name="description" content="  ">', null],
    [
      'without content attribute, the next one counts',
      '<meta name="description"><meta name="description" content="B">',
      'B',
    ],
  ])('description: %s', (_name, html, expected) => {
    expect(extractPage(html, 'https://example.com/').description).toBe(expected);
  });

  it.each([
    ['absent', '<link rel="alternate" href="/x">', null],
    ['absolute', '<link rel="canonical" href="https://example.org/c">', 'https://example.org/c'],
    ['multi-token rel', '<link rel="alternate canonical" href="/c">', 'https://example.com/c'],
    ['javascript: is ignored', '<link rel="canonical" href="javascript:alert(1)">', null],
    [
      'empty href is skipped',
      '<link rel="canonical" href=""><link rel="canonical" href="/d">',
      'https://example.com/d',
    ],
  ])('canonical: %s', (_name, html, expected) => {
    expect(extractPage(html, 'https://example.com/p').canonical).toBe(expected);
  });

  it('links: relative, protocol-relative, fragments, schemes, whitespace, dedupe', () => {
    const html = `
      <a href="a.html">1</a>
      <a href="../up.html">2</a>
      <a href="//other.example.com/x">3</a>
      <a href="#top">4</a>
      <a href="a.html#section">5 (dup of 1 after fragment removal)</a>
      <a href="mailto:x@example.com">6</a>
      <a href="JavaScript:void(0)">7</a>
      <a href="tel:123">8</a>
      <a href="\n\t https://example.com/spaced \n">9</a>
      <a href="https://example.com/dir/a.html">10 (dup of 1, absolute)</a>
      <a href="http://[not-ipv6/">11 invalid</a>
      <a href="?q=1">12</a>
      <a href="https://user:pw@example.com:443/x">13</a>`;
    expect(extractPage(html, 'https://example.com/dir/page').links).toEqual([
      'https://example.com/dir/a.html',
      'https://example.com/up.html',
      'https://other.example.com/x',
      'https://example.com/spaced',
      'https://example.com/dir/page?q=1',
      'https://user:pw@example.com/x',
    ]);
  });

  it('protocol-relative links take the scheme of the base', () => {
    expect(extractPage('<a href="//cdn.example.com/x">x</a>', 'http://example.com/').links).toEqual([
      'http://cdn.example.com/x',
    ]);
  });

  it('a <base href> with a javascript: URL is ignored; only the first <base href> counts', () => {
    const ignored = '<base href="javascript:alert(1)"><a href="x">x</a>';
    expect(extractPage(ignored, 'https://example.com/d/').links).toEqual(['https://example.com/d/x']);
    const first =
      '<base target="_blank"><base href="https://cdn.example.com/b/"><base href="/other/"><a href="x">x</a>';
    expect(extractPage(first, 'https://example.com/').links).toEqual(['https://cdn.example.com/b/x']);
  });

  it('a <base> after the links still applies to them (document base URL)', () => {
    const html = '<body><a href="x">x</a><base href="/late/">';
    expect(extractPage(html, 'https://example.com/').links).toEqual(['https://example.com/late/x']);
  });

  it('ignores <template> content everywhere', () => {
    const html =
      '<template><title>T</title><h1>H</h1><a href="/t">t</a><meta name="description" content="D"></template><p>x</p>';
    expect(extractPage(html, 'https://example.com/')).toMatchObject({
      title: null,
      description: null,
      h1: [],
      links: [],
    });
  });

  it('handles an empty document', () => {
    expect(extractPage('', 'https://example.com/')).toEqual({
      title: null,
      description: null,
      canonical: null,
      lang: null,
      h1: [],
      links: [],
    });
  });
});
