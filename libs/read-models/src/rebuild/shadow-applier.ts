import type { ProjectableEvent } from '../job-projection';

/** Folds a batch of events somewhere (a shadow-schema transaction); resolves to the events applied. */
export type ApplySink = (events: ProjectableEvent[]) => Promise<number>;

/**
 * Collects decoded events into large batches and writes them one batch at a time, in order, through
 * the current sink. Writing is pipelined with reading: a full batch is handed to the sink and the
 * caller may go on decoding the next one while PostgreSQL works; it waits only when a second batch is
 * full before the first was written.
 */
export class ShadowApplier {
  private pending: ProjectableEvent[] = [];
  private inFlight: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private sink: ApplySink,
    private readonly batchSize: number,
    private readonly onWritten: (read: number, applied: number) => Promise<void>,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  get failed(): Error | null {
    return this.failure;
  }

  async add(events: ProjectableEvent[]): Promise<void> {
    if (this.closed || this.failure) return;
    for (const event of events) this.pending.push(event);
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  /** Writes everything added so far; rejects with the first write failure. */
  async drain(): Promise<void> {
    await this.flush();
    await this.idle();
    if (this.failure) throw this.failure;
  }

  /** Writes through another sink from the next batch on (after the one in flight). */
  async switchSink(sink: ApplySink): Promise<void> {
    await this.idle();
    this.sink = sink;
  }

  /** Refuses further events (the rebuild is done or failing). */
  close(): void {
    this.closed = true;
    this.pending = [];
  }

  private async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async flush(): Promise<void> {
    await this.idle();
    if (this.failure || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const sink = this.sink;
    // Set synchronously after idle(): whoever resumes next sees this batch in flight and waits.
    this.inFlight = (async () => {
      try {
        const applied = await sink(batch);
        await this.onWritten(batch.length, applied);
      } catch (error) {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        this.onFailure(error);
      } finally {
        this.inFlight = null;
      }
    })();
  }
}
