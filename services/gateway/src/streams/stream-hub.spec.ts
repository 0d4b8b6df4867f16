import type { EventEnvelope } from '@app/contracts';
import type { JobView, StreamRead } from '@app/read-models';
import type { StreamSink } from './sse-stream';
import { StreamHub, type StreamReads } from './stream-hub';

class FakeSink implements StreamSink {
  readonly frames: string[] = [];
  closed = false;
  private readonly listeners: (() => void)[] = [];

  write(frame: string): boolean {
    if (this.closed) return false;
    this.frames.push(frame);
    return true;
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.listeners.splice(0)) listener();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.listeners.push(listener);
  }

  /** The `event:` names written. */
  get names(): string[] {
    return this.frames
      .join('')
      .split('\n\n')
      .filter((frame) => frame !== '')
      .map((frame) => /^event: (.*)$/m.exec(frame)?.[1] ?? frame.trim());
  }

  get ids(): string[] {
    return this.frames
      .join('')
      .split('\n')
      .flatMap((line) => /^id: (.*)$/.exec(line)?.[1] ?? []);
  }
}

const JOB_A = '00000000-0000-4000-8000-00000000000a';
const JOB_B = '00000000-0000-4000-8000-00000000000b';

/** An in-memory read model: jobs with a status and numbered events. */
class FakeReads implements StreamReads {
  epoch = '100';
  readonly statuses = new Map<string, string>();
  readonly events = new Map<string, string[]>();
  readonly calls: { jobIds: string[]; cursors: Map<string, number> }[] = [];
  fail = false;

  add(jobId: string, ...types: string[]): void {
    this.statuses.set(jobId, this.statuses.get(jobId) ?? 'RUNNING');
    this.events.set(jobId, [...(this.events.get(jobId) ?? []), ...types]);
  }

  read(jobIds: string[], cursors: Map<string, number>): Promise<StreamRead> {
    this.calls.push({ jobIds, cursors: new Map(cursors) });
    if (this.fail) return Promise.reject(new Error('down'));
    const jobs: StreamRead['jobs'] = new Map();
    for (const id of jobIds) {
      const status = this.statuses.get(id);
      if (status) jobs.set(id, { tenantId: 'default', job: { id, type: 'scrape', status } as JobView });
    }
    const events: StreamRead['events'] = [];
    for (const [jobId, after] of cursors) {
      (this.events.get(jobId) ?? []).forEach((type, index) => {
        if (index + 1 > after) {
          events.push({
            jobId,
            seq: index + 1,
            envelope: { id: `${jobId}#${index + 1}`, type, jobId } as unknown as EventEnvelope,
          });
        }
      });
    }
    return Promise.resolve({ epoch: this.epoch, jobs, events });
  }
}

describe('StreamHub', () => {
  let reads: FakeReads;
  let hub: StreamHub;
  const logger = { warn: jest.fn() };

  beforeEach(() => {
    reads = new FakeReads();
    hub = new StreamHub(reads, { heartbeatMs: 60_000, maxStreams: 3, retryReadMs: 10 }, logger);
  });
  afterEach(() => hub.close());

  it('sends a new watcher its history, then each notified event once, in order', async () => {
    reads.add(JOB_A, 'JobRequested', 'StageStarted');
    const sink = new FakeSink();
    hub.watchJob(sink, 'default', JOB_A, null);
    await hub.settled();
    expect(sink.names).toEqual(['JobRequested', 'StageStarted']);
    // The id: of each event is the event's own id.
    expect(sink.ids).toEqual([`${JOB_A}#1`, `${JOB_A}#2`]);

    reads.add(JOB_A, 'StageCompleted');
    hub.jobsChanged([JOB_A]);
    hub.jobsChanged([JOB_A]);
    await hub.settled();
    expect(sink.names).toEqual(['JobRequested', 'StageStarted', 'StageCompleted']);
  });

  it('resumes after a cursor, and ends with the job once it is terminal', async () => {
    reads.add(JOB_A, 'JobRequested', 'StageStarted', 'StageCompleted');
    reads.statuses.set(JOB_A, 'SUCCEEDED');
    const sink = new FakeSink();
    hub.watchJob(sink, 'default', JOB_A, { epoch: '100', seq: 2 });
    await hub.settled();
    expect(sink.names).toEqual(['StageCompleted', 'end']);
    expect(sink.closed).toBe(true);
    expect(hub.size).toBe(0);
  });

  it('sends reset and the whole history to a cursor of another epoch (a rebuild)', async () => {
    reads.add(JOB_A, 'JobRequested', 'StageStarted');
    const sink = new FakeSink();
    hub.watchJob(sink, 'default', JOB_A, { epoch: '99', seq: 5 });
    await hub.settled();
    expect(sink.names).toEqual(['reset', 'JobRequested', 'StageStarted']);
  });

  it('reads all notified jobs with watchers in one batch, from each job’s lowest cursor', async () => {
    reads.add(JOB_A, 'JobRequested', 'StageStarted');
    reads.add(JOB_B, 'JobRequested');
    const early = new FakeSink();
    const late = new FakeSink();
    const other = new FakeSink();
    hub.watchJob(early, 'default', JOB_A, { epoch: null, seq: 0 });
    hub.watchJob(late, 'default', JOB_A, { epoch: null, seq: 1 });
    hub.watchJob(other, 'default', JOB_B, null);
    await hub.settled();
    expect(reads.calls).toHaveLength(1);
    expect(reads.calls[0].cursors).toEqual(
      new Map([
        [JOB_A, 0],
        [JOB_B, 0],
      ]),
    );
    expect(early.names).toEqual(['JobRequested', 'StageStarted']);
    expect(late.names).toEqual(['StageStarted']);
    expect(other.names).toEqual(['JobRequested']);

    // A job nobody watches is not read (no dashboards open).
    hub.jobsChanged(['00000000-0000-4000-8000-0000000000ff']);
    await hub.settled();
    expect(reads.calls).toHaveLength(1);
  });

  it('removes a watcher whose client went away, and refuses streams over the limit', async () => {
    const sinks = [new FakeSink(), new FakeSink(), new FakeSink()];
    for (const sink of sinks) hub.watchJob(sink, 'default', JOB_A, null);
    expect(hub.hasRoom()).toBe(false);
    sinks[0].end();
    expect(hub.size).toBe(2);
    expect(hub.hasRoom()).toBe(true);
    await hub.settled();
  });

  it('sends dashboards every changed job of their filter', async () => {
    reads.add(JOB_A, 'JobRequested');
    reads.add(JOB_B, 'JobRequested');
    reads.statuses.set(JOB_B, 'FAILED');
    const all = new FakeSink();
    const failed = new FakeSink();
    const otherTenant = new FakeSink();
    hub.watchDashboard(all, { tenantId: 'default' });
    hub.watchDashboard(failed, { tenantId: 'default', status: 'FAILED' });
    hub.watchDashboard(otherTenant, { tenantId: 'other' });
    hub.jobsChanged([JOB_A, JOB_B]);
    await hub.settled();
    const jobsIn = (sink: FakeSink): string[] =>
      sink.frames
        .join('')
        .split('\n')
        .flatMap((line) => /^data: .*"id":"([^"]+)"/.exec(line)?.[1] ?? []);
    expect(jobsIn(all)).toEqual([JOB_A, JOB_B]);
    expect(jobsIn(failed)).toEqual([JOB_B]);
    expect(otherTenant.frames).toEqual([]);
  });

  it('reads every watched job again after the LISTEN connection came back', async () => {
    reads.add(JOB_A, 'JobRequested');
    const sink = new FakeSink();
    hub.watchJob(sink, 'default', JOB_A, null);
    await hub.settled();
    reads.add(JOB_A, 'StageStarted'); // committed while notifications were lost
    hub.resubscribed();
    await hub.settled();
    expect(sink.names).toEqual(['JobRequested', 'StageStarted']);
  });

  it('retries a failed read, and ends every stream on close', async () => {
    reads.add(JOB_A, 'JobRequested');
    reads.fail = true;
    const sink = new FakeSink();
    hub.watchJob(sink, 'default', JOB_A, null);
    await hub.settled();
    expect(sink.frames).toEqual([]);
    reads.fail = false;
    await new Promise((resolve) => setTimeout(resolve, 30));
    await hub.settled();
    expect(sink.names).toEqual(['JobRequested']);
    const dashboard = new FakeSink();
    hub.watchDashboard(dashboard, { tenantId: 'default' });
    hub.close();
    expect(sink.closed && dashboard.closed).toBe(true);
  });

  it('writes heartbeats to every open stream', () => {
    jest.useFakeTimers();
    try {
      const beating = new StreamHub(reads, { heartbeatMs: 1000, maxStreams: 10 }, logger);
      const sink = new FakeSink();
      beating.watchDashboard(sink, { tenantId: 'default' });
      beating.start();
      jest.advanceTimersByTime(2500);
      expect(sink.frames).toEqual([': hb\n\n', ': hb\n\n']);
      beating.close();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('StreamHub races', () => {
  it('never answers a watcher that arrived during a read with that read (it gets its own, from its cursor)', async () => {
    const reads = new FakeReads();
    reads.add(JOB_A, 'JobRequested', 'StageStarted', 'StageCompleted');
    reads.statuses.set(JOB_A, 'SUCCEEDED');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = reads.read.bind(reads);
    reads.read = async (jobIds, cursors) => {
      const answer = await read(jobIds, cursors);
      await gate;
      return answer;
    };
    const hub = new StreamHub(reads, { heartbeatMs: 60_000, maxStreams: 10 }, { warn: jest.fn() });
    const dashboard = new FakeSink();
    hub.watchDashboard(dashboard, { tenantId: 'default' });
    hub.jobsChanged([JOB_A]); // a read without a cursor for JOB_A starts
    await new Promise((resolve) => setImmediate(resolve));
    const late = new FakeSink();
    hub.watchJob(late, 'default', JOB_A, null);
    release();
    await hub.settled();
    expect(late.names).toEqual(['JobRequested', 'StageStarted', 'StageCompleted', 'end']);
    // The dashboard got the notified change once, not again for the watcher's own read.
    expect(dashboard.names).toEqual(['job']);
    hub.close();
  });
});

describe('StreamHub dashboards', () => {
  it('does not send a job again when a notification changed nothing it shows', async () => {
    const reads = new FakeReads();
    reads.add(JOB_A, 'JobRequested');
    const hub = new StreamHub(reads, { heartbeatMs: 60_000, maxStreams: 10 }, { warn: jest.fn() });
    const dashboard = new FakeSink();
    hub.watchDashboard(dashboard, { tenantId: 'default' });
    hub.jobsChanged([JOB_A]);
    await hub.settled();
    hub.jobsChanged([JOB_A]);
    await hub.settled();
    reads.statuses.set(JOB_A, 'SUCCEEDED');
    hub.jobsChanged([JOB_A]);
    await hub.settled();
    expect(
      dashboard.frames.map((f) => (JSON.parse(f.split('data: ')[1]) as { status: string }).status),
    ).toEqual(['RUNNING', 'SUCCEEDED']);
    hub.close();
  });

  it('reads another job while a slow read runs, but never one job in two reads at once', async () => {
    const reads = new FakeReads();
    reads.add(JOB_A, 'JobRequested');
    reads.add(JOB_B, 'JobRequested');
    const gates = new Map<string, () => void>();
    let running = new Set<string>();
    let overlap = false;
    const read = reads.read.bind(reads);
    reads.read = async (jobIds, cursors) => {
      if (jobIds.some((id) => running.has(id))) overlap = true;
      running = new Set([...running, ...jobIds]);
      const answer = await read(jobIds, cursors);
      if (jobIds.includes(JOB_A)) await new Promise<void>((resolve) => gates.set(JOB_A, resolve));
      for (const id of jobIds) running.delete(id);
      return answer;
    };
    const hub = new StreamHub(reads, { heartbeatMs: 60_000, maxStreams: 10 }, { warn: jest.fn() });
    const a = new FakeSink();
    const b = new FakeSink();
    hub.watchJob(a, 'default', JOB_A, null); // JOB_A's read hangs
    await new Promise((resolve) => setImmediate(resolve));
    reads.add(JOB_A, 'StageStarted');
    hub.jobsChanged([JOB_A]); // waits for the running read of JOB_A
    hub.watchJob(b, 'default', JOB_B, null);
    const deadline = Date.now() + 2000;
    while (b.names.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(b.names).toEqual(['JobRequested']);
    expect(a.names).toEqual([]);
    gates.get(JOB_A)?.();
    while (a.names.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
      gates.get(JOB_A)?.();
    }
    await hub.settled();
    expect(a.names).toEqual(['JobRequested', 'StageStarted']);
    expect(a.ids).toEqual([`${JOB_A}#1`, `${JOB_A}#2`]);
    expect(overlap).toBe(false);
    hub.close();
  });
});
