import { TEST_ADMIN_KEY } from './test-keys';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { requestBytes } from './raw-http';
import type { SeededRandom } from './seeded-random';

/** One hostile request: raw bytes, and what it is (for the failure report). */
export interface HostileCase {
  category: string;
  name: string;
  bytes: Buffer;
  /** The client stops after these bytes (half-closes): the request is cut short. */
  endAfterSend?: boolean;
  /** The refusal this case must get, where it is known (a limit named in the detail). */
  expected?: ExpectedRefusal;
}

export interface ExpectedRefusal {
  status: number;
  detail: RegExp;
}

/** JSON bodies of these categories break a named limit on every route that reads JSON. */
const REFUSAL_BY_CATEGORY: Readonly<Record<string, ExpectedRefusal>> = {
  nesting: { status: 400, detail: /\(GATEWAY_MAX_JSON_DEPTH\)$/ },
  'huge arrays': { status: 413, detail: /\((GATEWAY_MAX_JSON_ARRAY_ITEMS|MAX_JSON_BODY_BYTES)\)$/ },
  'long strings': { status: 413, detail: /\((GATEWAY_MAX_JSON_STRING_LENGTH|MAX_JSON_BODY_BYTES)\)$/ },
  'many keys': {
    status: 413,
    detail: /\((GATEWAY_MAX_JSON_KEYS|GATEWAY_MAX_JSON_TOTAL_KEYS|MAX_JSON_BODY_BYTES)\)$/,
  },
  'invalid UTF-8': { status: 400, detail: /^The request body is not valid UTF-8$/ },
};
const UPLOAD_ROUTE_REFUSAL: ExpectedRefusal = { status: 415, detail: /send multipart\/form-data/ };

type Header = readonly [string, string];

/**
 * The gateway's routes (from its controllers), with the ids made up: every one is answered 404 or 4xx.
 * `POST /admin/projections/rebuild` is left out: a body it ignores would start a real rebuild.
 */
function routes(): { method: string; path: string }[] {
  const id = randomUUID();
  return [
    { method: 'POST', path: '/jobs' },
    { method: 'GET', path: '/jobs' },
    { method: 'GET', path: `/jobs/${id}` },
    { method: 'DELETE', path: `/jobs/${id}` },
    { method: 'POST', path: `/jobs/${id}/retry` },
    { method: 'GET', path: `/jobs/${id}/events` },
    { method: 'POST', path: '/admin/replay' },
    { method: 'GET', path: '/admin/dlq' },
    { method: 'GET', path: `/admin/dlq/${id}` },
    { method: 'POST', path: `/admin/dlq/${id}/redrive` },
    { method: 'GET', path: '/admin/consumer-groups' },
    { method: 'GET', path: '/admin/projections' },
    { method: 'GET', path: `/documents/${id}` },
    { method: 'POST', path: '/documents' },
    { method: 'GET', path: '/health/live' },
    { method: 'GET', path: '/metrics' },
  ];
}

const JSON_ROUTES = [
  { method: 'POST', path: '/jobs' },
  { method: 'POST', path: '/admin/replay' },
];
const QUERY_ROUTES = ['/jobs', '/admin/dlq', '/admin/consumer-groups'];

/** Builds the seeded corpus: the same seed gives the same requests (ids aside), so a failure reproduces. */
export class HostileCorpus {
  private readonly cases: HostileCase[] = [];

  constructor(
    private readonly random: SeededRandom,
    /** A URL on the test site, for bodies that are otherwise valid scrape jobs. */
    private readonly siteUrl: string,
  ) {}

  build(): HostileCase[] {
    this.nesting();
    this.hugeArrays();
    this.longStrings();
    this.manyKeys();
    this.duplicateKeys();
    this.prototypeKeys();
    this.badText();
    this.badNumbers();
    this.contentTypes();
    this.emptyAndTruncated();
    this.contentEncodings();
    this.headers();
    this.queries();
    this.paths();
    this.multipart();
    return this.shuffled(this.cases);
  }

  private int(min: number, max: number): number {
    return this.random.int(min, max);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  private shuffled<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  private add(
    category: string,
    name: string,
    bytes: Buffer,
    endAfterSend = false,
    expected?: ExpectedRefusal,
  ): void {
    this.cases.push({ category, name, bytes, endAfterSend, expected });
  }

  /**
   * A request with Host, Connection: close, the harness's admin key and (unless given) Content-Length;
   * a JSON type by default. Headers that name a key replace the admin key.
   */
  private request(
    method: string,
    target: string,
    body: Buffer | string,
    headers: Header[] = [['Content-Type', 'application/json']],
  ): Buffer {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const namesKey = headers.some(([name]) => /^(authorization|x-api-key)$/i.test(name));
    const key: Header[] = namesKey ? [] : [['Authorization', `Bearer ${TEST_ADMIN_KEY}`]];
    const all: Header[] = [['Host', '127.0.0.1'], ['Connection', 'close'], ...key, ...headers];
    const hasLength = headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
    if (!hasLength && (bytes.length > 0 || method !== 'GET'))
      all.push(['Content-Length', String(bytes.length)]);
    return requestBytes(method, target, all, bytes);
  }

  /** A JSON body to a JSON route, and now and then to any route (bodies are checked on every route). */
  private json(category: string, name: string, body: Buffer | string, headers?: Header[]): void {
    const route = this.int(0, 3) === 0 ? this.pick(routes()) : this.pick(JSON_ROUTES);
    const isUpload = route.method === 'POST' && route.path === '/documents';
    this.add(
      category,
      `${route.method} ${route.path}: ${name}`,
      this.request(route.method, route.path, body, headers),
      false,
      isUpload ? UPLOAD_ROUTE_REFUSAL : REFUSAL_BY_CATEGORY[category],
    );
  }

  private scrapeBody(input: string): string {
    return `{"type":"scrape","input":${input}}`;
  }

  private nesting(): void {
    for (let i = 0; i < 40; i++) {
      const levels = this.pick([33, 40, 100, 1000, 5000, 10_000, this.int(33, 10_000)]);
      this.json(
        'nesting',
        `objects ${levels} deep`,
        this.scrapeBody('{"a":'.repeat(levels) + '1' + '}'.repeat(levels)),
      );
      this.json('nesting', `arrays ${levels} deep`, '['.repeat(levels) + ']'.repeat(levels));
      const opened: string[] = [];
      let text = '';
      for (let level = 0; level < levels; level++) {
        const object = this.int(0, 1) === 0;
        text += object ? '{"k":' : '[';
        opened.push(object ? '}' : ']');
      }
      text += 'null' + opened.reverse().join('');
      this.json('nesting', `objects and arrays ${levels} deep`, this.scrapeBody(text));
    }
    // 100,000 levels: still under the byte limit, and JSON.parse is iterative.
    this.json('nesting', 'arrays 100000 deep', '['.repeat(100_000) + ']'.repeat(100_000));
  }

  private hugeArrays(): void {
    for (let i = 0; i < 12; i++) {
      const items = this.pick([10_001, 50_000, 200_000, this.int(10_001, 250_000)]);
      const zeros = new Array<string>(items).fill('0').join(',');
      this.json('huge arrays', `${items} items at the root`, `[${zeros}]`);
      this.json(
        'huge arrays',
        `risk returns of ${items} items`,
        `{"type":"risk","input":{"method":"historical","confidence":0.99,"horizonDays":1,` +
          `"positions":[{"symbol":"A","quantity":1,"price":1}],"returns":{"A":[${zeros}]}}}`,
      );
    }
    for (let i = 0; i < 10; i++) {
      const items = this.int(10_001, 60_000);
      this.json(
        'huge arrays',
        `${items} empty objects`,
        `[${new Array<string>(items).fill('{}').join(',')}]`,
      );
    }
  }

  private longStrings(): void {
    for (let i = 0; i < 20; i++) {
      const length = this.pick([16_385, 100_000, this.int(16_385, 1_000_000)]);
      this.json(
        'long strings',
        `url of ${length} chars`,
        this.scrapeBody(`{"url":"http://x/${'a'.repeat(length)}"}`),
      );
      this.json('long strings', `key of ${length} chars`, `{"${'k'.repeat(length)}":1}`);
    }
    this.json('long strings', 'body over the byte limit', `"${'x'.repeat(1024 * 1024 + 10)}"`);
    this.json('long strings', '1.5 MiB of spaces', Buffer.alloc(1536 * 1024, 0x20));
  }

  private manyKeys(): void {
    for (let i = 0; i < 12; i++) {
      const keys = this.pick([1001, 5000, this.int(1001, 40_000)]);
      const object = Array.from({ length: keys }, (_, k) => `"k${k}":${k}`).join(',');
      this.json('many keys', `${keys} keys in input`, this.scrapeBody(`{${object}}`));
      const perObject = this.int(500, 1000);
      const objects = Math.ceil(10_001 / perObject) + this.int(0, 5);
      const one = `{${Array.from({ length: perObject }, (_, k) => `"k${k}":0`).join(',')}}`;
      this.json(
        'many keys',
        `${objects} objects of ${perObject} keys`,
        `[${new Array<string>(objects).fill(one).join(',')}]`,
      );
    }
  }

  private duplicateKeys(): void {
    const url = JSON.stringify(this.siteUrl);
    for (let i = 0; i < 10; i++) {
      const times = this.int(2, 5000);
      this.json(
        'duplicate keys',
        `"type" ${times} times`,
        `{${'"type":"risk",'.repeat(times)}"type":"scrape","input":{"url":${url}}}`,
      );
      this.add(
        'duplicate keys',
        'POST /jobs: "url" twice',
        this.request(
          'POST',
          '/jobs',
          `{"type":"scrape","input":{"url":"x","url":${url}},"priority":"low","priority":"high"}`,
        ),
      );
      this.add(
        'duplicate keys',
        'POST /admin/replay: "stage" twice',
        this.request(
          'POST',
          '/admin/replay',
          '{"stage":"scrape","stage":"nope","from":"earliest","from":"x"}',
        ),
      );
    }
  }

  private prototypeKeys(): void {
    const url = JSON.stringify(this.siteUrl);
    const poison = `{"type":"scrape","input":{"url":${url}},"polluted":"yes","status":"SUCCEEDED"}`;
    const bodies = [
      `{"__proto__":${poison}}`,
      `{"type":"scrape","input":{"url":${url},"__proto__":{"polluted":"yes"}}}`,
      `{"constructor":{"prototype":${poison}},"type":"scrape","input":{"url":${url}}}`,
      `{"type":"scrape","input":{"url":${url}},"prototype":{"polluted":"yes"}}`,
      `[{"__proto__":${poison}}]`,
      `{"a":{"b":{"c":{"__proto__":{"__proto__":${poison}}}}}}`,
      `{"stage":"scrape","from":"earliest","__proto__":{"jobId":"x"}}`,
      `{"__proto__":[1,2,3],"constructor":null,"prototype":7}`,
    ];
    for (let i = 0; i < 4; i++) {
      for (const body of bodies) this.json('prototype keys', body.slice(0, 60), body);
    }
    for (const query of [
      '__proto__=x',
      '__proto__[polluted]=yes',
      'constructor[prototype][polluted]=yes',
      'prototype=1',
    ]) {
      for (const path of QUERY_ROUTES)
        this.add('prototype keys', `GET ${path}?${query}`, this.request('GET', `${path}?${query}`, ''));
    }
  }

  private badText(): void {
    const invalidUtf8 = [
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0x80],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
    ];
    for (let i = 0; i < 30; i++) {
      const bad = Buffer.from(this.pick(invalidUtf8));
      const body = Buffer.concat([
        Buffer.from('{"type":"scrape","input":{"url":"http://x/'),
        bad,
        Buffer.from('"}}'),
      ]);
      this.json('invalid UTF-8', `bytes ${bad.toString('hex')} in a string`, body);
      const key = Buffer.concat([Buffer.from('{"'), bad, Buffer.from('":1}')]);
      this.json('invalid UTF-8', `bytes ${bad.toString('hex')} in a key`, key);
    }
    for (const escape of ['\\ud800', '\\udfff', '\\ud800\\u0041', '\\udbff\\ud800', '\\u0000']) {
      this.json('lone surrogates', `${escape} in a url`, this.scrapeBody(`{"url":"http://x/${escape}"}`));
      this.json('lone surrogates', `${escape} in a key`, `{"type":"scrape","input":{"${escape}":1}}`);
      for (const path of QUERY_ROUTES) {
        const encoded = escape === '\\u0000' ? '%00' : '%ED%A0%80';
        this.add(
          'lone surrogates',
          `GET ${path}?cursor=${encoded}`,
          this.request('GET', `${path}?cursor=${encoded}`, ''),
        );
      }
    }
  }

  private badNumbers(): void {
    const numbers = [
      'NaN',
      'Infinity',
      '-Infinity',
      '1e999',
      '-1e999',
      '9007199254740993',
      '1e308',
      '-0',
      '1e-999',
      '0x1F',
      '01',
      '.5',
      '+1',
      '1.',
      '123456789012345678901234567890',
    ];
    for (const number of numbers) {
      for (const field of ['confidence', 'horizonDays', 'seed', 'simulations']) {
        this.json(
          'numbers',
          `${field}: ${number}`,
          `{"type":"risk","input":{"method":"monte_carlo","confidence":0.99,"horizonDays":1,"${field}":${number},` +
            `"positions":[{"symbol":"A","quantity":${number},"price":1}],"returns":{"A":[${number}]}}}`,
        );
      }
      this.json(
        'numbers',
        `priority: ${number}`,
        `{"type":"scrape","input":{"url":"http://x/"},"priority":${number}}`,
      );
      this.json('numbers', `bare ${number}`, number);
    }
  }

  private contentTypes(): void {
    const body = this.scrapeBody(`{"url":${JSON.stringify(this.siteUrl)}}`);
    const types = [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/json; charset=utf-16le',
      'application/json; charset=utf-32',
      'application/json; charset=nonsense',
      'application/json; charset="utf-7"',
      'application/json;;;',
      'application/jsonx',
      'application/',
      '*/*',
      'json',
      '',
      'application/json\u00ff',
    ];
    for (const type of types) {
      for (const route of routes()) {
        if (route.path === '/documents' && route.method === 'POST') continue;
        this.add(
          'content types',
          `${route.method} ${route.path}: Content-Type ${JSON.stringify(type)}`,
          this.request(route.method, route.path, body, [['Content-Type', type]]),
        );
      }
    }
    this.add('content types', 'POST /jobs without Content-Type', this.request('POST', '/jobs', body, []));
    const utf16 = Buffer.from('\ufeff' + body, 'utf16le');
    this.add(
      'content types',
      'POST /jobs in UTF-16',
      this.request('POST', '/jobs', utf16, [['Content-Type', 'application/json; charset=utf-16']]),
    );
  }

  private emptyAndTruncated(): void {
    const valid = this.scrapeBody(`{"url":${JSON.stringify(this.siteUrl)}}`);
    for (const route of JSON_ROUTES) {
      this.add(
        'empty',
        `${route.method} ${route.path}: Content-Length 0`,
        this.request(route.method, route.path, ''),
      );
      this.add(
        'empty',
        `${route.method} ${route.path}: no length, no body`,
        requestBytes(route.method, route.path, [
          ['Host', 'x'],
          ['Connection', 'close'],
          ['Content-Type', 'application/json'],
        ]),
      );
    }
    for (let i = 0; i < 25; i++) {
      const cut = this.int(1, valid.length - 1);
      this.json('truncated', `JSON cut at ${cut}`, valid.slice(0, cut));
      const missing = this.int(1, 10_000);
      this.add(
        'truncated',
        `Content-Length ${missing} more than sent`,
        this.request('POST', '/jobs', valid, [
          ['Content-Type', 'application/json'],
          ['Content-Length', String(valid.length + missing)],
        ]),
        true,
      );
      this.add(
        'truncated',
        `Content-Length ${cut} less than sent`,
        this.request('POST', '/jobs', valid, [
          ['Content-Type', 'application/json'],
          ['Content-Length', String(cut)],
        ]),
      );
    }
    const chunked: Header[] = [
      ['Content-Type', 'application/json'],
      ['Transfer-Encoding', 'chunked'],
    ];
    this.add(
      'chunked',
      'a valid chunked body',
      this.request('POST', '/jobs', `${valid.length.toString(16)}\r\n${valid}\r\n0\r\n\r\n`, chunked),
    );
    this.add(
      'chunked',
      'a chunk size that is not hex',
      this.request('POST', '/jobs', `zz\r\n${valid}\r\n0\r\n\r\n`, chunked),
    );
    this.add(
      'chunked',
      'a chunked body cut short',
      this.request('POST', '/jobs', `ff\r\n${valid.slice(0, 10)}`, chunked),
      true,
    );
    this.add(
      'chunked',
      'a chunk size of 2^64',
      this.request('POST', '/jobs', `10000000000000000\r\nx\r\n0\r\n\r\n`, chunked),
    );
    this.add(
      'chunked',
      'chunked and Content-Length',
      this.request('POST', '/jobs', `2\r\n{}\r\n0\r\n\r\n`, [...chunked, ['Content-Length', '2']]),
    );
  }

  private contentEncodings(): void {
    const valid = this.scrapeBody(`{"url":${JSON.stringify(this.siteUrl)}}`);
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const encoded = (encoding: string, body: Buffer): void =>
      this.json('content encodings', `${encoding}: ${body.length} bytes`, body, [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', encoding],
      ]);
    for (let i = 0; i < 10; i++) {
      const garbage = Buffer.from(Array.from({ length: this.int(1, 2000) }, () => this.int(0, 255)));
      encoded('gzip', garbage);
      encoded('deflate', garbage);
      encoded('br', garbage);
      const gzip = gzipSync(valid);
      encoded('gzip', gzip.subarray(0, this.int(1, gzip.length - 1)));
      const flipped = Buffer.from(gzip);
      flipped[this.int(10, flipped.length - 1)] ^= 0xff;
      encoded('gzip', flipped);
    }
    encoded('gzip', gzipSync(deep));
    encoded('deflate', deflateSync(deep));
    encoded('br', brotliCompressSync(deep));
    encoded('gzip', gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)));
    encoded('gzip', Buffer.concat([gzipSync(valid), gzipSync(valid)]));
    for (const encoding of [
      'gzip, gzip',
      'x-gzip',
      'compress',
      'zstd',
      'snappy',
      'identity, gzip',
      'GZIP',
      '',
    ]) {
      encoded(encoding, gzipSync(valid));
    }
    encoded('identity', Buffer.from(valid));
  }

  private headers(): void {
    const valid = this.scrapeBody(`{"url":${JSON.stringify(this.siteUrl)}}`);
    const json: Header = ['Content-Type', 'application/json'];
    const add = (name: string, headers: Header[], body = valid): void =>
      this.add('headers', name, this.request('POST', '/jobs', body, headers));
    add('a 20 KiB header', [json, ['X-Padding', 'a'.repeat(20 * 1024)]]);
    add('3000 headers', [json, ...Array.from({ length: 3000 }, (_, k): Header => [`X-H${k}`, 'v'])]);
    add('a 10,000-char Idempotency-Key', [json, ['Idempotency-Key', 'k'.repeat(10_000)]]);
    add('an Idempotency-Key with a control byte', [json, ['Idempotency-Key', 'a\u0001b']]);
    add('an Idempotency-Key of latin-1 bytes', [json, ['Idempotency-Key', 'caf\u00e9\u00ff']]);
    add('an X-Request-ID of 10,000 chars', [json, ['X-Request-ID', 'r'.repeat(10_000)]]);
    add('an X-Request-ID with a NUL', [json, ['X-Request-ID', 'a\u0000b']]);
    add('two Content-Lengths that differ', [
      json,
      ['Content-Length', '2'],
      ['Content-Length', String(Buffer.byteLength(valid))],
    ]);
    add('a negative Content-Length', [json, ['Content-Length', '-1']]);
    add('a Content-Length that is not a number', [json, ['Content-Length', 'abc']]);
    add('a Content-Length of 2^64', [json, ['Content-Length', '18446744073709551616']]);
    add('a header without a colon', [json, ['X-Broken\r\nno colon here', 'x']]);
    add('a header name with a space', [json, ['X Bad', 'x']]);
    add('an obs-fold continuation', [json, ['X-Folded', 'a\r\n  b']]);
    const unauthorized: ExpectedRefusal = { status: 401, detail: /API key/ };
    const keyCase = (name: string, header: Header): void =>
      this.add('headers', name, this.request('POST', '/jobs', valid, [json, header]), false, unauthorized);
    keyCase('an API key of 10,000 chars', ['Authorization', `Bearer ${'k'.repeat(10_000)}`]);
    keyCase('an unknown API key in X-API-Key', ['X-API-Key', 'ejk_' + 'x'.repeat(43)]);
    keyCase('Basic credentials instead of a key', ['Authorization', 'Basic YWRtaW46YWRtaW4=']);
    keyCase('a Bearer token of latin-1 bytes', ['Authorization', 'Bearer caf\u00e9\u00ff']);
    keyCase('the admin key with a character changed', [
      'Authorization',
      `Bearer ${TEST_ADMIN_KEY.slice(0, -1)}X`,
    ]);
    keyCase('an API key with SQL in it', ['X-API-Key', "' OR '1'='1"]);
    this.add('headers', 'no Host', requestBytes('GET', '/jobs', [['Connection', 'close']]));
    this.add(
      'headers',
      'a request line of garbage',
      Buffer.from('\u0000\u0001\u0002 garbage\r\n\r\n', 'latin1'),
    );
    this.add('headers', 'HTTP/0.9', Buffer.from('GET /jobs\r\n\r\n'));
    this.add('headers', 'HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    this.add('headers', 'an unknown method', this.request('BREW', '/jobs', ''));
  }

  private queries(): void {
    for (const path of QUERY_ROUTES) {
      const queries = [
        Array.from({ length: 2000 }, (_, k) => `p${k}=1`).join('&'),
        Array.from({ length: this.int(11, 1500) }, () => 'status=FAILED').join('&'),
        `cursor=${'c'.repeat(this.int(501, 15_000))}`,
        `limit=${'9'.repeat(this.int(10, 5000))}`,
        `${'k'.repeat(this.int(100, 15_000))}=1`,
        'a[b][c][d][e][f][g][h]=1',
        `${'a['.repeat(500)}${']'.repeat(500)}=1`,
        'limit=1e999',
        'limit=NaN',
        'limit=-1',
        'limit=Infinity',
        'limit=0x10',
        'limit=9007199254740993',
        'status[]=FAILED',
        'status=FAILED&status=SUCCEEDED',
        'cursor=%ZZ%',
        '%%%=%%%',
        '&&&===&&&',
        'cursor=' + Buffer.from(JSON.stringify(['2026-01-01', 'x'.repeat(200)])).toString('base64url'),
        'cursor=' + Buffer.from('{"__proto__":{"x":1}}').toString('base64url'),
        'limit=50&limit=50',
        'all=true&all=false',
        'reason=invalidMessage&topic=' + '%F0%9F%98'.repeat(100),
      ];
      for (const query of queries)
        this.add('queries', `GET ${path}?${query.slice(0, 60)}`, this.request('GET', `${path}?${query}`, ''));
    }
    this.add(
      'queries',
      'GET /jobs?(16 KiB)',
      this.request('GET', `/jobs?cursor=${'c'.repeat(17 * 1024)}`, ''),
    );
  }

  private paths(): void {
    const paths = [
      '/jobs/%',
      '/jobs/%E0%A4%A',
      '/jobs/%00',
      '/jobs/%ED%A0%80',
      `/jobs/${'a'.repeat(10_000)}`,
      '/jobs/..%2f..%2fetc%2fpasswd',
      '/jobs/../../etc/passwd',
      `/jobs/${randomUUID()}/%`,
      '/admin/dlq/%ZZ',
      '/documents/%C0%AF',
      '//jobs',
      '/jobs?',
      '*',
      'http://127.0.0.1/jobs',
      '/jobs#fragment',
      `/${'x/'.repeat(3000)}`,
    ];
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        this.add(
          'paths',
          `${method} ${path.slice(0, 60)}`,
          this.request(method, path, method === 'GET' ? '' : '{}'),
        );
      }
    }
  }

  private multipart(): void {
    const boundary = 'hostile' + this.int(0, 1e6);
    const part = (name: string, value: string, filename?: string): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n` +
      (filename === undefined ? '' : 'Content-Type: application/octet-stream\r\n') +
      `\r\n${value}\r\n`;
    const end = `--${boundary}--\r\n`;
    const upload = (
      name: string,
      body: string | Buffer,
      headers?: Header[] | null,
      expected?: ExpectedRefusal,
    ): void =>
      this.add(
        'multipart',
        `POST /documents: ${name}`,
        this.request(
          'POST',
          '/documents',
          body,
          headers ?? [['Content-Type', `multipart/form-data; boundary=${boundary}`]],
        ),
        false,
        expected,
      );
    const limit = (status: number, variable: string): ExpectedRefusal => ({
      status,
      detail: new RegExp(`\\(${variable}\\)$`),
    });
    const file = part('file', 'hello, not a document', 'a.txt');
    upload('a text file', file + end);
    upload(
      'a file of 100 KiB (the test sets MAX_UPLOAD_BYTES to 64 KiB)',
      part('file', 'x'.repeat(100 * 1024), 'big.pdf') + end,
      null,
      limit(413, 'MAX_UPLOAD_BYTES'),
    );
    upload('an empty file', part('file', '', 'a.pdf') + end);
    upload('no file', part('priority', 'low') + end);
    upload('two files', file + part('file', 'again', 'b.txt') + end);
    upload('a file in another field', part('other', 'x', 'a.txt') + end);
    upload('a bad priority', part('priority', 'urgent') + file + end);
    upload('priority twice', part('priority', 'low') + part('priority', 'high') + file + end);
    upload(
      'priority nested 100 deep',
      part(`priority${'[a]'.repeat(100)}`, 'low') + file + end,
      null,
      limit(400, 'GATEWAY_MAX_JSON_DEPTH'),
    );
    upload('priority nested 20 deep', part(`priority${'[a]'.repeat(20)}`, 'low') + file + end);
    upload(
      'an array index of 99999999',
      part('priority[99999999]', 'low') + file + end,
      null,
      limit(400, 'GATEWAY_MAX_JSON_ARRAY_ITEMS'),
    );
    upload('an array index of 9999', part('priority[9999]', 'low') + file + end);
    upload(
      '2000 fields',
      Array.from({ length: 2000 }, (_, k) => part(`f${k}`, 'x')).join('') + file + end,
      null,
      limit(400, 'GATEWAY_MAX_JSON_KEYS'),
    );
    upload(
      'a 100,000-char field value',
      part('priority', 'v'.repeat(100_000)) + file + end,
      null,
      limit(400, 'GATEWAY_MAX_JSON_STRING_LENGTH'),
    );
    upload('a 20,000-char field name', part('n'.repeat(20_000), 'x') + file + end);
    upload(
      '__proto__ fields',
      part('__proto__', 'x') +
        part('__proto__[polluted]', 'yes') +
        part('constructor[prototype][polluted]', 'yes') +
        file +
        end,
    );
    upload('a filename with a lone surrogate', part('file', 'x', '\ud800.pdf') + end);
    upload('a filename with NUL', part('file', 'x', 'a\u0000.pdf') + end);
    upload('a filename of 10,000 chars', part('file', 'x', `${'f'.repeat(10_000)}.pdf`) + end);
    upload('no closing boundary', file);
    upload('cut mid-part', file.slice(0, this.int(5, file.length - 5)));
    upload('no boundary parameter', file + end, [['Content-Type', 'multipart/form-data']]);
    upload('a boundary of 100 chars', file + end, [
      ['Content-Type', `multipart/form-data; boundary=${'b'.repeat(100)}`],
    ]);
    upload('a part without headers', `--${boundary}\r\n\r\nx\r\n` + end);
    upload(
      'a malformed part header',
      `--${boundary}\r\nContent-Disposition form-data name=file\r\n\r\nx\r\n` + end,
    );
    upload(
      '3000 part headers',
      `--${boundary}\r\n${'X-A: b\r\n'.repeat(3000)}Content-Disposition: form-data; name="file"; filename="a"\r\n\r\nx\r\n` +
        end,
    );
    upload('gzip-encoded', gzipSync(file + end), [
      ['Content-Type', `multipart/form-data; boundary=${boundary}`],
      ['Content-Encoding', 'gzip'],
    ]);
    upload('JSON instead', '{"file":"x"}', [['Content-Type', 'application/json']]);
    upload('text instead', 'file=x', [['Content-Type', 'text/plain']]);
    upload('multipart/mixed', file + end, [['Content-Type', `multipart/mixed; boundary=${boundary}`]]);
    for (let i = 0; i < 10; i++) {
      const garbage = Buffer.from(Array.from({ length: this.int(1, 5000) }, () => this.int(0, 255)));
      upload(`${garbage.length} random bytes`, garbage);
    }
  }
}
