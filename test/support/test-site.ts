import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** windows-1252 bytes of a string made of Latin-1 letters plus the few 0x80-0x9F characters we use. */
function windows1252(text: string): Buffer {
  const extra: Record<string, number> = { '€': 0x80, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96 };
  return Buffer.from([...text].map((ch) => extra[ch] ?? ch.charCodeAt(0)));
}

export const ARTICLE_HTML = `<!doctype html>
<html lang=" en-GB ">
<head>
  <meta charset="utf-8">
  <title>
     The   Quick
     Brown Fox </title>
  <meta name="Description" content="  All about foxes.  ">
  <link rel="canonical" href="/article?ref=canonical">
</head>
<body>
  <h1>  Foxes   <em>and</em> hounds </h1>
  <p>Intro <a href="/a#section">A</a> <a href="b.html">B</a> <a href="//other.example/c">C</a>
  <a href="#top">top</a> <a href="mailto:x@example.com">mail</a> <a href="javascript:void(0)">js</a>
  <a href="/a">A again</a> <a href="https://secure.example/d?q=1#frag">D</a> <a href=" /e ">E</a></p>
  <h1>Second</h1>
  <h1>   </h1>
</body>
</html>`;

/** A small local web site with pages shaped like the real world, and every failure kind. */
export class TestSite {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  readonly hits = new Map<string, number>();
  /** For requests that never get an answer: how long after arrival the client closed the connection. */
  readonly closedAfterMs = new Map<string, number>();
  /** `/delay/...` requests being answered right now, and those the client gave up on before the answer. */
  delayedInFlight = 0;
  delayedAbandoned = 0;
  baseUrl = '';
  /** Pages a test defines and changes while it runs (see `serve`). */
  private readonly served = new Map<string, { status: number; body: string; delayMs: number }>();
  private holdingDelayed = false;
  private readonly heldDelayed: (() => void)[] = [];

  constructor() {
    this.server = http.createServer((req, res) => this.route(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Serves `path` with this status and HTML body (after `delayMs`) from now on. */
  serve(path: string, page: { status: number; body: string; delayMs?: number }): void {
    this.served.set(path, { delayMs: 0, ...page });
  }

  hitCount(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  /** From now on, `/delay/<ms>/...` requests are held unanswered (see `heldCount`) until `releaseDelayed`. */
  holdDelayed(): void {
    this.holdingDelayed = true;
  }

  /** Stops holding: held `/delay/<ms>/...` requests answer `ms` from now, later ones `ms` after arrival. */
  releaseDelayed(): void {
    this.holdingDelayed = false;
    for (const answer of this.heldDelayed.splice(0)) answer();
  }

  /** `/delay/...` requests currently held. */
  get heldCount(): number {
    return this.heldDelayed.length;
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = url.pathname;
    this.hits.set(path, this.hitCount(path) + 1);
    const html = (body: string | Buffer, type = 'text/html; charset=utf-8'): void => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    const served = this.served.get(path);
    if (served) {
      const answer = (): void => {
        res.writeHead(served.status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(served.body);
      };
      if (served.delayMs > 0) setTimeout(answer, served.delayMs);
      else answer();
      return;
    }
    if (path === '/article') return html(ARTICLE_HTML);
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (redirect) {
      const left = Number(redirect[1]);
      res.writeHead(302, { location: left > 1 ? `/redirect/${left - 1}` : '/article' });
      return void res.end();
    }
    if (path === '/legacy') {
      return html(
        windows1252(
          '<html><head><title>Café – “Prix” 5€</title></head><body><h1>Crème brûlée</h1></body></html>',
        ),
        'text/html; charset=windows-1252',
      );
    }
    if (path === '/legacy-meta') {
      return html(
        windows1252(
          '<html><head><meta charset="windows-1252"><title>L’été</title></head><body></body></html>',
        ),
        'text/html',
      );
    }
    if (path === '/base') {
      return html(
        `<html><head><base href="${this.baseUrl}/docs/guide/"><title>Base</title></head>
         <body><a href="intro.html">i</a><a href="../api/">api</a><a href="/root">r</a><a href="?q=2">q</a></body></html>`,
      );
    }
    if (path === '/malformed') {
      return html(
        '<html><title>Broken <b>page</title><body><h1>One<div>Two</h1></p></div><a href=/x>x<a href=/y>y',
      );
    }
    if (path === '/no-title') return html('<html><head></head><body><p>No title here</p></body></html>');
    if (path === '/missing') {
      res.writeHead(404, { 'content-type': 'text/html' });
      return void res.end('<h1>Not found</h1>');
    }
    if (path.startsWith('/flaky/')) {
      if (this.hitCount(path) <= 2) {
        res.writeHead(503, { 'content-type': 'text/html' });
        return void res.end('busy');
      }
      return html('<html><head><title>Finally</title></head><body></body></html>');
    }
    if (path.startsWith('/down/')) {
      res.writeHead(503, { 'content-type': 'text/html' });
      return void res.end('down');
    }
    if (path.startsWith('/slow/')) {
      // Never answers: the scraper's timeout (or a cancellation) must end the request.
      const arrived = Date.now();
      req.socket.once('close', () => this.closedAfterMs.set(path, Date.now() - arrived));
      return;
    }
    const delayed = /^\/delay\/(\d+)\//.exec(path);
    if (delayed) {
      // Answers after a while: work is in flight for that long (a process killed meanwhile drops it).
      this.delayedInFlight += 1;
      let timer: NodeJS.Timeout | undefined;
      res.once('close', () => {
        this.delayedInFlight -= 1;
        if (!res.writableFinished) {
          clearTimeout(timer);
          this.delayedAbandoned += 1;
        }
      });
      const answer = (): void => {
        timer = setTimeout(() => {
          if (!res.destroyed) html(`<html><head><title>${path}</title></head><body></body></html>`);
        }, Number(delayed[1]));
      };
      if (this.holdingDelayed) this.heldDelayed.push(answer);
      else answer();
      return;
    }
    const trickle = /^\/trickle\/(\d+)\/(hop)?$/.exec(path);
    if (trickle?.[2]) {
      res.writeHead(302, { location: `/trickle/${trickle[1]}/` });
      return void res.end();
    }
    if (trickle) {
      // A page whose body arrives 1 KiB every 100 ms over about `ms` (with Content-Length): a slow download.
      // `/trickle/<ms>/hop` redirects to it.
      const chunks = Math.max(1, Math.round(Number(trickle[1]) / 100));
      const head = '<html><head><title>Trickle</title></head><body>';
      const body = Buffer.alloc(chunks * 1024, ' ');
      body.write(head);
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(body.length) });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(body.subarray(sent * 1024, (sent + 1) * 1024));
        sent += 1;
        if (sent === chunks) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
      res.on('error', () => clearInterval(timer));
      return;
    }
    if (path === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"not":"html"}');
    }
    if (path === '/large') {
      res.writeHead(200, { 'content-type': 'text/html' }); // chunked, no Content-Length
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      return pump();
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such page');
  }
}
