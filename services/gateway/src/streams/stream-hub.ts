import type { JobStatus, JobType } from '@app/contracts';
import type { JobChangeListener, StreamRead } from '@app/read-models';
import type { Logger } from '@app/platform';
import { formatSseEvent } from './sse-format';
import { SSE_HEARTBEAT } from './sse-format';
import type { StreamSink } from './sse-stream';
import type { StreamCursor } from './stream-cursor';

/** The batched read the hub makes after notifications (JobStreamQueries in production). */
export interface StreamReads {
  read(jobIds: string[], cursors: Map<string, number>): Promise<StreamRead>;
}

/** Told how long after its notification a job's news was written (metrics). */
export type DeliveryObserver = (kind: 'job' | 'dashboard', seconds: number) => void;

export interface StreamHubOptions {
  heartbeatMs: number;
  maxStreams: number;
  /** Wait before reading again after a failed read (PostgreSQL unavailable). */
  retryReadMs?: number;
  observeDelivery?: DeliveryObserver;
}

/** Which jobs a dashboard stream (`GET /jobs/stream`) follows. */
export interface DashboardFilter {
  /** null: every tenant (an admin's dashboard). */
  tenantId: string | null;
  type?: JobType;
  status?: JobStatus;
}

interface JobWatcher {
  sink: StreamSink;
  tenantId: string;
  jobId: string;
  /** The numbering the cursor belongs to; null until the first read (or a resume id without one). */
  epoch: string | null;
  cursor: number;
}

interface DashboardWatcher {
  sink: StreamSink;
  filter: DashboardFilter;
}

/** What one read is for. */
interface ReadBatch {
  ids: string[];
  /** Of `ids`, the jobs the projector notified: only they are news for dashboards. */
  notified: Set<string>;
  /** When the first notification not yet read of each job arrived (performance.now()). */
  arrivals: Map<string, number>;
  targets: Map<string, JobWatcher[]>;
  cursors: Map<string, number>;
}

/**
 * Reads running at once, on disjoint jobs. Two: a notification that comes during a read is read at
 * once instead of after it; more would add PostgreSQL round trips for little.
 */
const READS_IN_FLIGHT = 2;

/** How many jobs' last dashboard frames are remembered. */
const DASHBOARD_MEMORY = 10_000;

const TERMINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Fans the projector's job-change notifications out to the gateway's open streams. Notified jobs are
 * collected and read in batches (the rows of every notified job that someone watches, and the events
 * past the lowest cursor of each watched job), up to READS_IN_FLIGHT at once on disjoint jobs, so each
 * stream gets its job's events in job_seq order, each once: a stream's cursor only moves forward. A new watcher is read the
 * same way (its history past its cursor), as is every watcher after the LISTEN connection came back.
 */
export class StreamHub implements JobChangeListener {
  private readonly jobWatchers = new Map<string, Set<JobWatcher>>();
  private readonly dashboards = new Set<DashboardWatcher>();
  /** Jobs to read: notified, or with a watcher that needs a (first or new) read. */
  private dirty = new Set<string>();
  /** Of those, the ones the projector notified: only they are news for dashboards. */
  private notified = new Set<string>();
  /** When the first unread notification of each dirty job arrived. */
  private readonly arrivals = new Map<string, number>();
  private scheduled = false;
  /** Reads running now, and the jobs they read. */
  private inFlight = 0;
  private readonly reading = new Set<string>();
  private readonly settledWaiters: (() => void)[] = [];
  private closed = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private streams = 0;
  /** The last `job` frame dashboards got per job (recent jobs only), so a repeat is not sent. */
  private readonly lastDashboardFrame = new Map<string, string>();

  constructor(
    private readonly reads: StreamReads,
    private readonly options: StreamHubOptions,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** Open streams. */
  get size(): number {
    return this.streams;
  }

  /** Whether one more stream fits under STREAM_MAX_PER_GATEWAY. */
  hasRoom(): boolean {
    return !this.closed && this.streams < this.options.maxStreams;
  }

  /** Starts the heartbeats. */
  start(): void {
    this.heartbeat ??= setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Follows a job from `cursor` (its history past it, then each new event) until it ends. */
  watchJob(sink: StreamSink, tenantId: string, jobId: string, cursor: StreamCursor | null): void {
    if (this.closed) return sink.end();
    const watcher: JobWatcher = {
      sink,
      tenantId,
      jobId,
      epoch: cursor?.epoch ?? null,
      cursor: cursor?.seq ?? 0,
    };
    let watchers = this.jobWatchers.get(jobId);
    if (!watchers) this.jobWatchers.set(jobId, (watchers = new Set()));
    watchers.add(watcher);
    this.streams += 1;
    sink.onClose(() => this.removeJobWatcher(watcher));
    this.markDirty([jobId]);
  }

  /** Sends the job's JSON each time a job of the filter changes. */
  watchDashboard(sink: StreamSink, filter: DashboardFilter): void {
    if (this.closed) return sink.end();
    const watcher: DashboardWatcher = { sink, filter };
    this.dashboards.add(watcher);
    this.streams += 1;
    sink.onClose(() => {
      if (this.dashboards.delete(watcher)) this.streams -= 1;
    });
  }

  jobsChanged(jobIds: string[]): void {
    if (this.closed) return;
    if (this.dashboards.size > 0) for (const id of jobIds) this.notified.add(id);
    const now = performance.now();
    for (const id of jobIds) if (!this.arrivals.has(id)) this.arrivals.set(id, now);
    this.markDirty(jobIds);
  }

  /** Notifications may have been lost: every job stream reads again from its cursor. */
  resubscribed(): void {
    this.markDirty([...this.jobWatchers.keys()]);
  }

  /** Resolves once no read is scheduled or running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.scheduled || this.inFlight > 0) {
      await new Promise<void>((resolve) => this.settledWaiters.push(resolve));
    }
  }

  /** Ends every stream (clients reconnect elsewhere with Last-Event-ID) and stops the timers. */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const watchers of [...this.jobWatchers.values()]) for (const w of [...watchers]) w.sink.end();
    for (const watcher of [...this.dashboards]) watcher.sink.end();
    this.jobWatchers.clear();
    this.dashboards.clear();
    this.dirty.clear();
    this.notified.clear();
    this.arrivals.clear();
  }

  private beat(): void {
    for (const watchers of this.jobWatchers.values()) for (const w of watchers) w.sink.write(SSE_HEARTBEAT);
    for (const watcher of this.dashboards) watcher.sink.write(SSE_HEARTBEAT);
  }

  private removeJobWatcher(watcher: JobWatcher): void {
    const watchers = this.jobWatchers.get(watcher.jobId);
    if (!watchers?.delete(watcher)) return;
    this.streams -= 1;
    if (watchers.size === 0) this.jobWatchers.delete(watcher.jobId);
  }

  private markDirty(jobIds: Iterable<string>): void {
    if (this.closed) return;
    for (const id of jobIds) this.dirty.add(id);
    if (this.scheduled || this.dirty.size === 0) return;
    // Gathers the notifications of one turn of the event loop into one read.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /**
   * Starts reads while fewer than READS_IN_FLIGHT run, each for the dirty jobs no running read has:
   * a job is in one read at a time, so its events still go out in order, each once, while a slow read
   * does not hold up news of other jobs.
   */
  private pump(): void {
    while (this.inFlight < READS_IN_FLIGHT && !this.closed && this.dirty.size > 0) {
      const batch = this.takeBatch();
      if (batch === null) break;
      this.inFlight += 1;
      for (const id of batch.ids) this.reading.add(id);
      void this.readAndDispatch(batch).finally(() => {
        this.inFlight -= 1;
        for (const id of batch.ids) this.reading.delete(id);
        this.pump();
        if (this.inFlight === 0 && !this.scheduled) this.wakeSettled();
      });
    }
    if (this.inFlight === 0 && !this.scheduled) this.wakeSettled();
  }

  /** The dirty jobs not being read now, with the watchers and cursors to read them for. */
  private takeBatch(): ReadBatch | null {
    const ids: string[] = [];
    const notified = new Set<string>();
    const arrivals = new Map<string, number>();
    for (const id of this.dirty) {
      if (this.reading.has(id)) continue;
      this.dirty.delete(id);
      const arrival = this.arrivals.get(id);
      if (arrival !== undefined) {
        arrivals.set(id, arrival);
        this.arrivals.delete(id);
      }
      const wasNotified = this.notified.delete(id);
      // Dashboards want every notified job; job streams only their own.
      if (!this.jobWatchers.has(id) && !wasNotified) continue;
      ids.push(id);
      if (wasNotified) notified.add(id);
    }
    if (ids.length === 0) return null;
    // The watchers this read is for: one that arrives while it runs gets a read of its own (its job is
    // dirty again), never this one's answer, read without its cursor.
    const targets = new Map<string, JobWatcher[]>();
    const cursors = new Map<string, number>();
    for (const id of ids) {
      const watchers = this.jobWatchers.get(id);
      if (!watchers) continue;
      const list = [...watchers];
      targets.set(id, list);
      cursors.set(id, Math.min(...list.map((w) => w.cursor)));
    }
    return { ids, notified, arrivals, targets, cursors };
  }

  private async readAndDispatch(batch: ReadBatch): Promise<void> {
    let read: StreamRead;
    try {
      read = await this.reads.read(batch.ids, batch.cursors);
    } catch (error) {
      this.logger.warn({ err: error, jobs: batch.ids.length }, 'live streams: read failed, retrying');
      this.retryLater(batch.cursors.keys());
      return;
    }
    if (!this.closed) this.dispatch(batch.ids, read, batch.targets, batch.notified, batch.arrivals);
  }

  private wakeSettled(): void {
    for (const wake of this.settledWaiters.splice(0)) wake();
  }

  private retryLater(jobIds: Iterable<string>): void {
    const ids = [...jobIds];
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.markDirty(ids);
    }, this.options.retryReadMs ?? 1000);
    this.retryTimer.unref();
  }

  private dispatch(
    ids: string[],
    read: StreamRead,
    targets: Map<string, JobWatcher[]>,
    notified: Set<string>,
    arrivals: Map<string, number>,
  ): void {
    const eventsOf = new Map<string, StreamRead['events']>();
    for (const event of read.events) {
      const list = eventsOf.get(event.jobId);
      if (list) list.push(event);
      else eventsOf.set(event.jobId, [event]);
    }
    // One write per stream per read, not one per event: a tenth of the syscalls for a busy dashboard.
    const output = new Map<StreamSink, string>();
    const send = (sink: StreamSink, frame: string): void => {
      output.set(sink, (output.get(sink) ?? '') + frame);
    };
    const ending: StreamSink[] = [];
    const delivered: { kind: 'job' | 'dashboard'; arrival: number }[] = [];
    for (const id of ids) {
      const entry = read.jobs.get(id);
      const arrival = arrivals.get(id);
      let jobNews = false;
      const current = this.jobWatchers.get(id);
      for (const watcher of targets.get(id) ?? []) {
        if (!current?.has(watcher)) continue; // gone meanwhile
        if (watcher.epoch !== null && watcher.epoch !== read.epoch) {
          // The projections were rebuilt since this cursor: its numbers mean nothing now.
          send(watcher.sink, formatSseEvent({ event: 'reset', data: { reason: 'projections rebuilt' } }));
          watcher.epoch = read.epoch;
          watcher.cursor = 0;
          this.dirty.add(id);
          continue;
        }
        watcher.epoch = read.epoch;
        for (const event of eventsOf.get(id) ?? []) {
          if (event.seq <= watcher.cursor) continue;
          send(
            watcher.sink,
            formatSseEvent({
              event: event.envelope.type,
              id: event.envelope.id,
              data: event.envelope,
            }),
          );
          watcher.cursor = event.seq;
          jobNews = true;
        }
        if (entry && entry.tenantId === watcher.tenantId && TERMINAL.has(entry.job.status)) {
          send(watcher.sink, formatSseEvent({ event: 'end', data: entry.job }));
          ending.push(watcher.sink);
          this.removeJobWatcher(watcher);
        }
      }
      if (jobNews && arrival !== undefined) delivered.push({ kind: 'job', arrival });
      if (entry && notified.has(id) && this.dashboards.size > 0) {
        const frame = formatSseEvent({ event: 'job', data: entry.job });
        // A notification that changed nothing a dashboard shows (the job was already read so) is not news.
        if (this.lastDashboardFrame.get(id) === frame) continue;
        this.rememberDashboardFrame(id, frame);
        if (arrival !== undefined) delivered.push({ kind: 'dashboard', arrival });
        for (const { sink, filter } of this.dashboards) {
          if (filter.tenantId !== null && filter.tenantId !== entry.tenantId) continue;
          if (filter.type !== undefined && filter.type !== entry.job.type) continue;
          if (filter.status !== undefined && filter.status !== entry.job.status) continue;
          send(sink, frame);
        }
      }
    }
    for (const [sink, frames] of output) sink.write(frames);
    const observe = this.options.observeDelivery;
    if (observe && delivered.length > 0) {
      const now = performance.now();
      for (const { kind, arrival } of delivered) observe(kind, (now - arrival) / 1000);
    }
    for (const sink of ending) sink.end();
  }

  private rememberDashboardFrame(jobId: string, frame: string): void {
    this.lastDashboardFrame.delete(jobId);
    this.lastDashboardFrame.set(jobId, frame);
    // Bounded: the oldest entries go first (a forgotten job at worst is sent once more).
    if (this.lastDashboardFrame.size > DASHBOARD_MEMORY) {
      const oldest = this.lastDashboardFrame.keys().next().value;
      if (oldest !== undefined) this.lastDashboardFrame.delete(oldest);
    }
  }
}
