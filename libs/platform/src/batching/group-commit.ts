/**
 * Group commit: items submitted while a write is in flight are written together by the next one, so N
 * concurrent callers cost one round trip instead of N. Each caller's promise settles only after the
 * write that held its item did.
 *
 * A write never holds two items with the same key (an `ON CONFLICT DO UPDATE` may not touch a row
 * twice); a later item for a key waits for the next write, and items of one key keep their order.
 * If a write fails, its items are retried each on its own (concurrently: their keys are distinct), so a
 * bad item fails only its own caller and an outage costs each at most two failed attempts. One write
 * is in flight at a time: while the target hangs, later items wait behind it, bounded by the target's
 * own timeouts.
 */
export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly keyOf: (item: T) => string,
    private readonly maxItemsPerWrite = 1000,
  ) {}

  submit(item: T): Promise<void> {
    const written = new Promise<void>((resolve, reject) => this.queue.push({ item, resolve, reject }));
    if (!this.flushing) {
      this.flushing = true;
      // Items submitted in this turn of the event loop join the first write.
      setImmediate(() => void this.flush());
    }
    return written;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) await this.run(this.takeBatch());
    this.flushing = false;
  }

  /** The oldest items with distinct keys, up to the limit; an item whose key is taken waits, and so do later ones of its key. */
  private takeBatch(): typeof this.queue {
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    const taken = new Set<string>();
    for (const pending of this.queue) {
      const key = this.keyOf(pending.item);
      if (batch.length < this.maxItemsPerWrite && !taken.has(key)) batch.push(pending);
      else rest.push(pending);
      taken.add(key);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: typeof this.queue): Promise<void> {
    try {
      await this.write(batch.map((pending) => pending.item));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(batch.map(({ item, resolve, reject }) => this.write([item]).then(resolve, reject)));
    }
  }
}
