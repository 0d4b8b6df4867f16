/*
 * A worker thread holding a share of the bench's SSE clients: opens streams when told, notes each
 * chunk's arrival on the process-wide monotonic clock, and reports what arrived, parsed after the load
 * (and without JSON.parse), so the clients take as little of the machine as they can.
 */
import * as http from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import { benchAuth } from '../bench-key';
import { monotonicMs, preferThisThread, serveCalls } from './worker-calls';

/** One frame as the bench needs it: its event name, SSE id, the `"id"` in its data, and when it came. */
export interface FrameRecord {
  event: string;
  id?: string;
  dataId?: string;
  at: number;
}

/** A client thread's own stalls while frames came (ms), and the nice value it ran at. */
export interface ThreadStalls {
  p99: number;
  max: number;
  longestGc: number;
  /** [start, end] of each stall over the threshold given to watchStalls, on the monotonic clock. */
  spans: [number, number][];
  nice: number;
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
 * The chunks a client received, copied into one growing off-heap buffer, with their arrival times in
 * typed arrays: no JavaScript object per chunk (300,000 chunks for the dashboards), so the threads' heaps
 * stay small (longest GC pause in a client thread 48-58 ms against 92 ms with an object per chunk).
 */
class ChunkLog {
  private bytes = Buffer.allocUnsafe(16 * 1024);
  private size = 0;
  private ends = new Float64Array(64);
  private ats = new Float64Array(64);
  private count = 0;

  append(data: Buffer, at: number): void {
    if (this.size + data.length > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.size + data.length));
      this.bytes.copy(bigger, 0, 0, this.size);
      this.bytes = bigger;
    }
    data.copy(this.bytes, this.size);
    this.size += data.length;
    if (this.count === this.ends.length) {
      this.ends = grow(this.ends);
      this.ats = grow(this.ats);
    }
    this.ends[this.count] = this.size;
    this.ats[this.count] = at;
    this.count += 1;
  }

  /** Hands each chunk to `visit` in order, then forgets them all. */
  drain(visit: (text: string, at: number) => void): void {
    let start = 0;
    for (let i = 0; i < this.count; i += 1) {
      visit(this.bytes.toString('utf8', start, this.ends[i]), this.ats[i]);
      start = this.ends[i];
    }
    this.size = 0;
    this.count = 0;
  }
}

function grow(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
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
  private readonly chunks = new ChunkLog();
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
        this.chunks.append(data, at);
        chunksReceived += 1;
      });
      response.on('close', () => (this.ended = true));
    });
  }

  /** Parses the chunks that came since the last call into frames (a frame's time: its last chunk's). */
  parse(): void {
    this.chunks.drain((text, at) => {
      this.buffer += text;
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
    });
  }

  close(): void {
    this.request?.destroy();
    this.ended = true;
  }
}

const nice = preferThisThread();
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
/** This thread's own stalls while measuring: a late chunk here is the client's delay, not the gateway's. */
let loopDelay: IntervalHistogram | null = null;
let longestGcMs = 0;
/** [start, end] of every stall of this thread over the watched threshold while measuring (monotonic ms). */
let stallSpans: [number, number][] = [];
let stallTicker: NodeJS.Timeout | null = null;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
});
const readers = new Map<number, SseReader>();
let chunksReceived = 0;
let expected: string[] = [];

function stopWatchingStalls(): void {
  loopDelay?.disable();
  if (stallTicker) clearInterval(stallTicker);
  stallTicker = null;
  gcObserver.disconnect();
}

serveCalls({
  /** Starts watching this thread's event-loop delay, GC pauses and stalls over `thresholdMs`. */
  watchStalls(thresholdMs: number): void {
    loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    longestGcMs = 0;
    gcObserver.observe({ entryTypes: ['gc'] });
    stallSpans = [];
    let last = monotonicMs();
    stallTicker = setInterval(() => {
      const now = monotonicMs();
      if (now - last > thresholdMs) stallSpans.push([last, now]);
      last = now;
    }, 10);
  },
  /** This thread's event-loop delay (ms) and longest GC pause since watchStalls. */
  stalls(): ThreadStalls {
    stopWatchingStalls();
    return {
      p99: (loopDelay?.percentile(99) ?? 0) / 1e6,
      max: (loopDelay?.max ?? 0) / 1e6,
      longestGc: longestGcMs,
      spans: stallSpans,
      nice,
    };
  },
  open(key: number, jobId: string | null, url: string): void {
    const reader = new SseReader(key, jobId);
    readers.set(key, reader);
    reader.open(url);
  },
  /** The job ids dashboards must each see (their SUCCEEDED events). */
  expect(ids: string[]): void {
    expected = ids;
  },
  /**
   * Counts of the streams; with `parse`, also parses what came and counts the dashboards that saw every
   * expected job. Parsing takes this thread for a while, so a chunk arriving meanwhile is noted late:
   * the bench parses only once nothing arrives any more.
   */
  status(parse: boolean): {
    open: number;
    jobStreams: number;
    jobStreamsEnded: number;
    dashboardsComplete: number;
    dashboards: number;
    chunksReceived: number;
  } {
    let open = 0;
    let jobStreams = 0;
    let jobStreamsEnded = 0;
    let dashboards = 0;
    let dashboardsComplete = 0;
    for (const reader of readers.values()) {
      if (parse && expected.length > 0) {
        stopWatchingStalls(); // the parsing's own stall is not the client's delay while frames came
        reader.parse();
      }
      if (reader.status === 200 && (reader.firstAt !== null || reader.jobId === null)) open += 1;
      if (reader.jobId === null) {
        dashboards += 1;
        if (parse && expected.every((id) => reader.seenIds.has(id))) dashboardsComplete += 1;
      } else {
        jobStreams += 1;
        if (reader.ended) jobStreamsEnded += 1;
      }
    }
    return { open, jobStreams, jobStreamsEnded, dashboards, dashboardsComplete, chunksReceived };
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
