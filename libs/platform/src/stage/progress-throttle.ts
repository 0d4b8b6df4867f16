/** When the next progress event of a job may go: shared by the job's attempts running side by side (pages). */
export interface JobProgressGate {
  nextAt: number;
}

export interface ProgressThrottleOptions {
  /** Nothing is sent before the attempt has run this long. */
  afterMs: number;
  /** At most one value per interval (per job, through the gate). */
  intervalMs: number;
}

/**
 * A trailing throttle for one attempt's progress: keeps only the latest value and sends it no sooner
 * than `afterMs` after the attempt started, then at most once per `intervalMs` for the whole job. A
 * call that sends nothing costs a field store and a check (a timestamp compare at most); one timer per
 * attempt carries the latest value out when it is due. After `close` (the attempt ended) calls do
 * nothing and a pending value is dropped: the attempt's outcome supersedes it.
 */
export class ProgressThrottle<T> {
  private pending: T | undefined;
  private nextAt: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly send: (value: T) => void,
    startedAt: number,
    private readonly options: ProgressThrottleOptions,
    private readonly gate: JobProgressGate = { nextAt: 0 },
  ) {
    this.nextAt = startedAt + options.afterMs;
  }

  offer(value: T): void {
    if (this.closed) return;
    this.pending = value;
    if (this.timer !== undefined) return; // a send is scheduled; it takes the latest value
    const now = Date.now();
    const due = Math.max(this.nextAt, this.gate.nextAt);
    if (now >= due) this.flush(now);
    else this.arm(due - now);
  }

  close(): void {
    this.closed = true;
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.onTimer(), ms);
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.closed || this.pending === undefined) return;
    const now = Date.now();
    const due = Math.max(this.nextAt, this.gate.nextAt);
    if (now >= due) this.flush(now);
    else this.arm(due - now); // another attempt of the job sent meanwhile
  }

  private flush(now: number): void {
    const value = this.pending as T;
    this.pending = undefined;
    this.nextAt = now + this.options.intervalMs;
    this.gate.nextAt = this.nextAt;
    this.send(value);
  }
}
