import { randomUUID } from 'node:crypto';
import type { ProjectionsStatus, ProjectorLag, RebuildRecord } from './rebuild-status';
import { rebuildSchemaNames } from './schema-names';

/** A monotonic clock in milliseconds (`performance.now`; a fake one in tests). */
export type Clock = () => number;

/** Progress is written to ops.projection_rebuilds at most this often, unless forced. */
const SAVE_INTERVAL_MS = 1000;

/**
 * One rebuild's counts and state: the record (what `status()` reports and ops.projection_rebuilds
 * keeps), the rate, and where the time went (logged at the end).
 */
export class RebuildProgress {
  readonly record: RebuildRecord;
  batches = 0;
  invalid = 0;
  decodeMs = 0;
  writeMs = 0;
  private readonly startedMs: number;
  private lastSavedMs = Number.NEGATIVE_INFINITY;

  constructor(
    startedAt: Date,
    private readonly save: (record: RebuildRecord) => Promise<void>,
    private readonly clock: Clock = () => performance.now(),
  ) {
    this.startedMs = clock();
    this.record = {
      id: randomUUID(),
      state: 'running',
      shadowSchema: rebuildSchemaNames(startedAt).shadow,
      startedAt,
      finishedAt: null,
      eventsRead: 0,
      eventsApplied: 0,
      eventsTotal: 0,
      eventsPerSecond: null,
      error: null,
    };
  }

  get seconds(): number {
    return (this.clock() - this.startedMs) / 1000;
  }

  /** Messages read per second since the start. */
  rate(): number {
    const seconds = this.seconds;
    return seconds > 0 ? this.record.eventsRead / seconds : 0;
  }

  /** Records the progress: always when forced (a state change), else at most once a second. */
  async checkpoint(force: boolean): Promise<void> {
    const now = this.clock();
    if (!force && now - this.lastSavedMs < SAVE_INTERVAL_MS) return;
    this.lastSavedMs = now;
    this.record.eventsPerSecond = this.rate();
    await this.save(this.record);
  }

  /** Ends the rebuild (not saved: the caller saves the final record once, whatever happened). */
  finish(outcome: { error: unknown } | null, at = new Date()): void {
    this.record.state = outcome ? 'failed' : 'succeeded';
    this.record.finishedAt = at;
    this.record.eventsPerSecond = this.rate();
    if (outcome)
      this.record.error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  }

  /** What the final log line says about the run. */
  summary(): Record<string, number> {
    return {
      eventsRead: this.record.eventsRead,
      eventsApplied: this.record.eventsApplied,
      invalid: this.invalid,
      seconds: this.seconds,
      eventsPerSecond: Math.round(this.record.eventsPerSecond ?? 0),
      batches: this.batches,
      decodeSeconds: this.decodeMs / 1000,
      writeSeconds: this.writeMs / 1000,
    };
  }
}

/**
 * What `GET /admin/projections` answers for a record (null: no rebuild ever ran). `liveRate` is the
 * running rebuild's current rate, when the record is that one.
 */
export function projectionsStatus(
  record: RebuildRecord | null,
  lag: ProjectorLag | null,
  liveRate: number | null = null,
): ProjectionsStatus {
  if (!record) {
    return {
      state: 'idle',
      rebuildId: null,
      startedAt: null,
      finishedAt: null,
      eventsRead: 0,
      eventsApplied: 0,
      eventsTotal: 0,
      progress: null,
      eventsPerSecond: null,
      error: null,
      lag,
    };
  }
  return {
    state: record.state,
    rebuildId: record.id,
    startedAt: record.startedAt.toISOString(),
    finishedAt: record.finishedAt?.toISOString() ?? null,
    eventsRead: record.eventsRead,
    eventsApplied: record.eventsApplied,
    eventsTotal: record.eventsTotal,
    progress: record.eventsTotal > 0 ? Math.min(1, record.eventsApplied / record.eventsTotal) : null,
    eventsPerSecond: liveRate ?? record.eventsPerSecond,
    error: record.error,
    lag,
  };
}
