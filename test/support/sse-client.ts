import * as http from 'node:http';
import { bearer } from './test-keys';

/** One Server-Sent Event as a client sees it. */
export interface ReceivedEvent {
  event: string;
  id: string | undefined;
  data: unknown;
  /** performance.now() when its last byte arrived. */
  at: number;
}

/**
 * A minimal SSE reader over node:http (fetch cannot set Last-Event-ID on a stream it reopens, and tests
 * need to cut a stream at a chosen event): collects events and comments until the server closes the
 * stream or `close()` is called.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  body = '';
  private request: http.ClientRequest | null = null;
  private closedFlag = false;
  private readonly listeners: ((event: ReceivedEvent) => void)[] = [];
  readonly ended: Promise<void>;
  private resolveEnded!: () => void;

  private constructor(
    readonly url: string,
    private readonly requestHeaders: Record<string, string>,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  /** Opens the stream; resolves once the response's headers arrived. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient(url, headers);
    return client.connect().then(() => client);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Calls `listener` for each event from now on. */
  onEvent(listener: (event: ReceivedEvent) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.request?.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.resolveEnded();
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = http.get(this.url, {
        // The harness's admin key unless the test names a key itself.
        headers: { accept: 'text/event-stream', ...bearer(), ...this.requestHeaders },
      });
      this.request = request;
      request.on('error', (error) => {
        this.finish();
        reject(error);
      });
      request.on('response', (response) => {
        this.status = response.statusCode ?? 0;
        this.headers = response.headers;
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          if (this.status !== 200) {
            this.body += chunk;
            return;
          }
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            this.parse(frame);
          }
        });
        response.on('end', () => this.finish());
        response.on('close', () => this.finish());
        resolve();
      });
    });
  }

  private parse(frame: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    const received: ReceivedEvent = { event, id, data: JSON.parse(data.join('\n')), at: performance.now() };
    this.events.push(received);
    for (const listener of this.listeners) listener(received);
  }
}
