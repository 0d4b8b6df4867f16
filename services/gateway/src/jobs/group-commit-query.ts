import type { EntityManager } from 'typeorm';

type Query = Pick<EntityManager, 'query'>;

interface PendingStatement {
  sql: string;
  columns: unknown[][];
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for column-array statements (`INSERT ... SELECT FROM unnest($1::uuid[], $2::text[], ...)`,
 * every parameter an array holding one element per row). Calls made while a statement is in flight
 * are queued; calls with the same SQL are then merged into one statement by concatenating their
 * arrays, so N concurrent requests cost one round trip and one transaction instead of N. Each call
 * still resolves only after the statement holding its rows committed (autocommit).
 *
 * A statement never holds two rows with the same first-column value (an `ON CONFLICT DO UPDATE` may
 * not touch a row twice); a later call for the same key waits for the next statement, in call order.
 * If a merged statement fails, its calls are retried each on its own, so a bad row fails only its own
 * call. One statement is in flight at a time: while PostgreSQL hangs, later calls wait behind it
 * (the pool's connection timeout and statement_timeout bound that wait, as they bounded each
 * request's own statement before).
 * Every caller gets the result of the statement that held its rows. Calls whose parameters are not
 * column arrays of one length pass straight through.
 */
export class GroupCommitQuery implements Query {
  private queue: PendingStatement[] = [];
  private flushing = false;

  constructor(
    private readonly target: Query,
    private readonly maxRowsPerStatement = 1000,
  ) {}

  query<T = unknown>(sql: string, parameters: unknown[] = []): Promise<T> {
    if (!isColumnArrays(parameters)) return this.target.query<T>(sql, parameters);
    const done = new Promise<unknown>((resolve, reject) => {
      this.queue.push({ sql, columns: parameters, resolve, reject });
    });
    this.flushSoon();
    return done as Promise<T>;
  }

  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    // Calls made in this turn of the event loop join the first statement.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      await this.run(batch);
    }
    this.flushing = false;
  }

  /**
   * The oldest call and every later one with the same SQL that fits: within the row limit, no key
   * already in the statement or in a call left for later (so calls for one key keep their order).
   */
  private takeBatch(): PendingStatement[] {
    const [first, ...others] = this.queue;
    const batch = [first];
    const rest: PendingStatement[] = [];
    const taken = new Set(first.columns[0]);
    const deferred = new Set<unknown>();
    let rows = first.columns[0].length;
    // A call with duplicate keys of its own cannot share a statement.
    const mergeable = taken.size === rows;
    for (const pending of others) {
      const keys = pending.columns[0];
      const fits =
        mergeable &&
        pending.sql === first.sql &&
        rows + keys.length <= this.maxRowsPerStatement &&
        new Set(keys).size === keys.length &&
        keys.every((key) => !taken.has(key) && !deferred.has(key));
      if (fits) {
        batch.push(pending);
        rows += keys.length;
        for (const key of keys) taken.add(key);
      } else {
        rest.push(pending);
        for (const key of keys) deferred.add(key);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: PendingStatement[]): Promise<void> {
    if (batch.length === 1) return this.runAlone(batch[0]);
    const columns = batch[0].columns.map((_, i) => batch.flatMap((pending) => pending.columns[i]));
    try {
      const result: unknown = await this.target.query(batch[0].sql, columns);
      for (const pending of batch) pending.resolve(result);
    } catch {
      // Concurrently (the keys are distinct), so an outage costs each call at most two failed attempts.
      await Promise.all(batch.map((pending) => this.runAlone(pending)));
    }
  }

  private async runAlone(pending: PendingStatement): Promise<void> {
    try {
      pending.resolve(await this.target.query(pending.sql, pending.columns));
    } catch (error) {
      pending.reject(error);
    }
  }
}

function isColumnArrays(parameters: unknown[]): parameters is unknown[][] {
  if (parameters.length === 0 || !Array.isArray(parameters[0])) return false;
  const rows = (parameters[0] as unknown[]).length;
  return rows > 0 && parameters.every((p) => Array.isArray(p) && p.length === rows);
}
