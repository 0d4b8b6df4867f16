import { parse, html, type DefaultTreeAdapterTypes } from 'parse5';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

export interface ExtractedPage {
  title: string | null;
  description: string | null;
  canonical: string | null;
  lang: string | null;
  h1: string[];
  links: string[];
}

/** Text nodes under these elements are not part of a heading's visible text. */
const NON_TEXT_ELEMENTS = new Set(['script', 'style', 'template']);

/** Collapses every whitespace run to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function isHtmlElement(node: Node, tagName?: string): node is Element {
  return (
    isElement(node) &&
    node.namespaceURI === html.NS.HTML &&
    (tagName === undefined || node.tagName === tagName)
  );
}

function attr(element: Element, name: string): string | null {
  return element.attrs.find((a) => a.name === name && a.namespace === undefined)?.value ?? null;
}

function children(node: Node): Node[] {
  // `childNodes` of a <template> is always empty in parse5: its content lives in `.content`, which is
  // never visited, so template content is ignored everywhere.
  return 'childNodes' in node ? node.childNodes : [];
}

/** Descendant text, skipping script/style/template content. */
function textContent(node: Node): string {
  let out = '';
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as Node;
    if (current.nodeName === '#text') {
      out += (current as DefaultTreeAdapterTypes.TextNode).value;
      continue;
    }
    if (current !== node && isElement(current) && NON_TEXT_ELEMENTS.has(current.tagName)) continue;
    const kids = children(current);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

/** The spec's "child text content": only direct text children (what document.title uses). */
function childTextContent(element: Element): string {
  return element.childNodes
    .filter((c): c is DefaultTreeAdapterTypes.TextNode => c.nodeName === '#text')
    .map((c) => c.value)
    .join('');
}

function tryUrl(input: string, base: URL | string): URL | null {
  try {
    return new URL(input, base);
  } catch {
    return null;
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function hasRelToken(element: Element, token: string): boolean {
  const rel = attr(element, 'rel');
  return (
    rel !== null &&
    rel
      .toLowerCase()
      .split(/[\t\n\f\r ]+/)
      .includes(token)
  );
}

/**
 * Extracts SEO-relevant fields and outgoing links from an HTML document. Uses a spec-compliant HTML5 parser,
 * so malformed markup gives the same tree a browser would build.
 *
 * @param source  decoded document text
 * @param pageUrl absolute URL the document was served from (fallback base URL); throws TypeError if invalid
 */
export function extractPage(source: string, pageUrl: string): ExtractedPage {
  const pageBase = new URL(pageUrl);
  const document = parse(source);

  let titleElement: Element | null = null;
  let baseHref: string | null = null;
  let lang: string | null = null;
  let description: string | null | undefined;
  let canonicalHref: string | null | undefined;
  const h1: string[] = [];
  const hrefs: string[] = [];

  // Pre-order depth-first walk = document order.
  const stack: Node[] = [...document.childNodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (isHtmlElement(node)) {
      switch (node.tagName) {
        case 'html':
          if (lang === null && node.parentNode?.nodeName === '#document') {
            const value = attr(node, 'lang')?.trim();
            lang = value ? value : null;
          }
          break;
        case 'title':
          titleElement ??= node;
          break;
        case 'base': {
          const href = attr(node, 'href');
          if (baseHref === null && href !== null) baseHref = href;
          break;
        }
        case 'meta':
          if (description === undefined && attr(node, 'name')?.trim().toLowerCase() === 'description') {
            const content = attr(node, 'content');
            if (content !== null) description = content.trim() || null;
          }
          break;
        case 'link':
          if (canonicalHref === undefined && hasRelToken(node, 'canonical')) {
            const href = attr(node, 'href')?.trim();
            if (href) canonicalHref = href;
          }
          break;
        case 'h1': {
          const text = collapseWhitespace(textContent(node));
          if (text !== '') h1.push(text);
          break;
        }
        case 'a': {
          const href = attr(node, 'href');
          if (href !== null) hrefs.push(href);
          break;
        }
      }
    }
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }

  const base = documentBase(baseHref, pageBase);

  let canonical: string | null = null;
  if (canonicalHref) {
    const url = tryUrl(canonicalHref, base);
    canonical = url && isHttp(url) ? url.href : null;
  }

  const title = titleElement ? collapseWhitespace(childTextContent(titleElement)) || null : null;

  return { title, description: description ?? null, canonical, lang, h1, links: resolveLinks(hrefs, base) };
}

/** The document base URL: the first <base href> resolved against the page URL (data:/javascript: ignored). */
function documentBase(baseHref: string | null, pageBase: URL): URL {
  if (baseHref === null) return pageBase;
  const url = tryUrl(baseHref.trim(), pageBase);
  if (url === null || url.protocol === 'data:' || url.protocol === 'javascript:') return pageBase;
  return url;
}

/** Absolute, fragment-free, de-duplicated (first seen wins) http(s) links. */
export function resolveLinks(hrefs: readonly string[], base: URL): string[] {
  const seen = new Set<string>();
  for (const raw of hrefs) {
    const href = raw.trim();
    if (href === '' || href.startsWith('#')) continue;
    const url = tryUrl(href, base);
    if (url === null || !isHttp(url)) continue;
    url.hash = '';
    seen.add(url.href);
  }
  return [...seen];
}
