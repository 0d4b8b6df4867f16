/*
 * A worker thread holding a share of the bench's SSE clients: opens streams when told, notes each
 * chunk's arrival on the process-wide monotonic clock, and reports what arrived, parsed after the load
 * (and without JSON.parse), so the clients take as little of the machine as they can.
 */
import * as http from 'node:http';
import { benchAuth } from '../bench-key';
import { monotonicMs, serveCalls } from './worker-calls';

/** One frame as the bench needs it: its event name, SSE id, the `"id"` in its data, and when it came. */
export interface FrameRecord {
  event: string;
  id?: string;
  dataId?: string;
  at: number;
}

/** What a stream saw, reported to the parent. */
export interface StreamReport {
  key: number;
  jobId: string | null;
  status: number;
  ended: boolean;
  firstAt: number | null;
  /** Per-job streams: every frame. Dashboards: only frames about jobs in `expect`ed ids. */
  frames: FrameRecord[];
}

/**
 * One SSE client. While the load runs it only notes each chunk with its arrival time (the cheapest a
 * client can be: what it costs is CPU the stack under test does not get); frames are parsed later.
 */
class SseReader {
  status = 0;
  ended = false;
  firstAt: number | null = null;
  readonly frames: FrameRecord[] = [];
  readonly seenIds = new Set<string>();
  private request: http.ClientRequest | null = null;
  private readonly chunks: { at: number; data: Buffer }[] = [];
  private buffer = '';
  private lastAt = 0;

  constructor(
    readonly key: number,
    readonly jobId: string | null,
  ) {}

  open(url: string): void {
    const request = http.get(url, { agent, headers: { accept: 'text/event-stream', ...benchAuth() } });
    this.request = request;
    request.on('error', () => (this.ended = true));
    request.on('response', (response) => {
      this.status = response.statusCode ?? 0;
      response.on('data', (data: Buffer) => {
        const at = monotonicMs();
        this.firstAt ??= at;
        this.chunks.push({ at, data });
      });
      response.on('close', () => (this.ended = true));
    });
  }

  /** Parses the chunks that came since the last call into frames (a frame's time: its last chunk's). */
  parse(): void {
    for (const { at, data } of this.chunks.splice(0)) {
      this.buffer += data.toString('utf8');
      this.lastAt = at;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const raw = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (raw.startsWith(':')) continue;
        const frame: FrameRecord = { event: '', at: this.lastAt };
        for (const line of raw.split('\n')) {
          if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('data: ')) frame.dataId = /"id":"([^"]+)"/.exec(line)?.[1];
        }
        if (this.jobId === null && frame.dataId !== undefined) this.seenIds.add(frame.dataId);
        this.frames.push(frame);
      }
    }
  }

  close(): void {
    this.request?.destroy();
    this.ended = true;
  }
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const readers = new Map<number, SseReader>();
let expected: string[] = [];

serveCalls({
  open(key: number, jobId: string | null, url: string): void {
    const reader = new SseReader(key, jobId);
    readers.set(key, reader);
    reader.open(url);
  },
  /** The job ids dashboards must each see (their SUCCEEDED events). */
  expect(ids: string[]): void {
    expected = ids;
  },
  status(): {
    open: number;
    jobStreams: number;
    jobStreamsEnded: number;
    dashboardsComplete: number;
    dashboards: number;
  } {
    let open = 0;
    let jobStreams = 0;
    let jobStreamsEnded = 0;
    let dashboards = 0;
    let dashboardsComplete = 0;
    for (const reader of readers.values()) {
      if (expected.length > 0) reader.parse();
      if (reader.status === 200 && (reader.firstAt !== null || reader.jobId === null)) open += 1;
      if (reader.jobId === null) {
        dashboards += 1;
        if (expected.every((id) => reader.seenIds.has(id))) dashboardsComplete += 1;
      } else {
        jobStreams += 1;
        if (reader.ended) jobStreamsEnded += 1;
      }
    }
    return { open, jobStreams, jobStreamsEnded, dashboards, dashboardsComplete };
  },
  /** What the streams with these keys saw (dashboards: only frames about expected jobs). */
  report(keys: number[]): StreamReport[] {
    const wanted = new Set(expected);
    const out: StreamReport[] = [];
    for (const key of keys) {
      const reader = readers.get(key);
      if (!reader) continue;
      reader.parse();
      out.push({
        key,
        jobId: reader.jobId,
        status: reader.status,
        ended: reader.ended,
        firstAt: reader.firstAt,
        frames:
          reader.jobId === null
            ? reader.frames.filter((f) => f.dataId !== undefined && wanted.has(f.dataId))
            : reader.frames,
      });
    }
    return out;
  },
  closeAll(): void {
    for (const reader of readers.values()) reader.close();
    agent.destroy();
  },
});
