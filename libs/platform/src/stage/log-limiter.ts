const WINDOW_MS = 1000;

export interface LogLimiterOptions {
  /** Lines offered before the attempt has run this long wait; if it ends sooner they are dropped. */
  afterMs: number;
  /** Lines sent per second; the rest are counted and reported in one summary line. */
  perSecond: number;
}

/**
 * Rate limit of one attempt's log lines: nothing before `afterMs` (up to `perSecond` lines wait for it),
 * then at most `perSecond` lines per second; lines over the limit are counted and, when the next
 * second starts, replaced by one summary line (`summarize(n)`). After `close` nothing is sent.
 */
export class LogLimiter<T> {
  private readonly openAt: number;
  private opened = false;
  private waiting: T[] = [];
  private windowStart = 0;
  private sentInWindow = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly send: (line: T) => void,
    private readonly summarize: (dropped: number) => T,
    startedAt: number,
    private readonly options: LogLimiterOptions,
  ) {
    this.openAt = startedAt + options.afterMs;
  }

  offer(line: T): void {
    if (this.closed) return;
    const now = Date.now();
    if (!this.opened) {
      if (now < this.openAt) {
        if (this.waiting.length < this.options.perSecond) this.waiting.push(line);
        else this.dropped++;
        this.arm(this.openAt - now);
        return;
      }
      this.open(now);
    }
    if (now - this.windowStart >= WINDOW_MS) this.startWindow(now);
    if (this.sentInWindow < this.options.perSecond) {
      this.sentInWindow++;
      this.send(line);
    } else {
      this.dropped++;
      this.arm(this.windowStart + WINDOW_MS - now);
    }
  }

  /** Lines dropped so far and not yet reported (for tests and the attempt's own log). */
  get unreported(): number {
    return this.dropped;
  }

  close(): void {
    this.closed = true;
    this.waiting = [];
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private open(now: number): void {
    this.opened = true;
    this.windowStart = now;
    this.sentInWindow = 0;
    const lines = this.waiting;
    this.waiting = [];
    for (const line of lines) {
      this.sentInWindow++;
      this.send(line);
    }
    this.reportDropped();
  }

  private startWindow(now: number): void {
    this.windowStart = now;
    this.sentInWindow = 0;
    this.reportDropped();
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    const count = this.dropped;
    this.dropped = 0;
    this.send(this.summarize(count));
  }

  private arm(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, ms));
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.closed) return;
    const now = Date.now();
    if (!this.opened) {
      if (now >= this.openAt) this.open(now);
      else this.arm(this.openAt - now);
    } else if (now - this.windowStart >= WINDOW_MS) {
      this.startWindow(now);
    } else if (this.dropped > 0) {
      this.arm(this.windowStart + WINDOW_MS - now);
    }
  }
}
