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

export interface StreamHubOptions {
  heartbeatMs: number;
  maxStreams: number;
  /** Wait before reading again after a failed read (PostgreSQL unavailable). */
  retryReadMs?: number;
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

/** How many jobs' last dashboard frames are remembered. */
const DASHBOARD_MEMORY = 10_000;

const TERMINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Fans the projector's job-change notifications out to the gateway's open streams. Notified jobs are
 * collected and read in one batch (the rows of every notified job that someone watches, and the events
 * past the lowest cursor of each watched job), one batch at a time, so each stream gets its job's
 * events in job_seq order, each once: a stream's cursor only moves forward. A new watcher is read the
 * same way (its history past its cursor), as is every watcher after the LISTEN connection came back.
 */
export class StreamHub implements JobChangeListener {
  private readonly jobWatchers = new Map<string, Set<JobWatcher>>();
  private readonly dashboards = new Set<DashboardWatcher>();
  /** Jobs to read: notified, or with a watcher that needs a (first or new) read. */
  private dirty = new Set<string>();
  /** Of those, the ones the projector notified: only they are news for dashboards. */
  private notified = new Set<string>();
  private flushing = false;
  private scheduled = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private streams = 0;
  /** The last `job` frame dashboards got per job (recent jobs only), so a repeat is not sent. */
  private readonly lastDashboardFrame = new Map<string, string>();
  private idle: Promise<void> = Promise.resolve();

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
    this.markDirty(jobIds);
  }

  /** Notifications may have been lost: every job stream reads again from its cursor. */
  resubscribed(): void {
    this.markDirty([...this.jobWatchers.keys()]);
  }

  /** Resolves once every read scheduled so far was dispatched (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.scheduled || this.flushing) await this.idle;
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
    if (this.scheduled || this.flushing || this.dirty.size === 0) return;
    this.scheduled = true;
    this.idle = new Promise((resolve) =>
      setImmediate(() => {
        this.scheduled = false;
        this.flush().then(resolve, resolve);
      }),
    );
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.dirty.size > 0 && !this.closed) {
        const changed = [...this.dirty];
        const notified = this.notified;
        this.dirty = new Set();
        this.notified = new Set();
        // Dashboards want every notified job; job streams only their own.
        const ids = changed.filter((id) => this.jobWatchers.has(id) || notified.has(id));
        if (ids.length === 0) continue;
        // The watchers this read is for: one that arrives while it runs gets a read of its own (its job
        // is dirty again), never this one's answer, read without its cursor.
        const targets = new Map<string, JobWatcher[]>();
        const cursors = new Map<string, number>();
        for (const id of ids) {
          const watchers = this.jobWatchers.get(id);
          if (!watchers) continue;
          const list = [...watchers];
          targets.set(id, list);
          cursors.set(id, Math.min(...list.map((w) => w.cursor)));
        }
        let read: StreamRead;
        try {
          read = await this.reads.read(ids, cursors);
        } catch (error) {
          this.logger.warn({ err: error, jobs: ids.length }, 'live streams: read failed, retrying');
          this.retryLater(cursors.keys());
          return;
        }
        this.dispatch(ids, read, targets, notified);
      }
    } finally {
      this.flushing = false;
    }
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
    for (const id of ids) {
      const entry = read.jobs.get(id);
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
        }
        if (entry && entry.tenantId === watcher.tenantId && TERMINAL.has(entry.job.status)) {
          send(watcher.sink, formatSseEvent({ event: 'end', data: entry.job }));
          ending.push(watcher.sink);
          this.removeJobWatcher(watcher);
        }
      }
      if (entry && notified.has(id) && this.dashboards.size > 0) {
        const frame = formatSseEvent({ event: 'job', data: entry.job });
        // A notification that changed nothing a dashboard shows (the job was already read so) is not news.
        if (this.lastDashboardFrame.get(id) === frame) continue;
        this.rememberDashboardFrame(id, frame);
        for (const { sink, filter } of this.dashboards) {
          if (filter.tenantId !== null && filter.tenantId !== entry.tenantId) continue;
          if (filter.type !== undefined && filter.type !== entry.job.type) continue;
          if (filter.status !== undefined && filter.status !== entry.job.status) continue;
          send(sink, frame);
        }
      }
    }
    for (const [sink, frames] of output) sink.write(frames);
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
