import type { DataSource } from 'typeorm';
import { ProjectionLocks } from './rebuild-locks';

export type RebuildState = 'idle' | 'running' | 'swapping' | 'succeeded' | 'failed';

/** Consumer lag of the live projector: messages in the log it has not committed yet. */
export interface ProjectorLag {
  group: string;
  total: number;
  perTopic: Record<string, number>;
}

/** What `GET /admin/projections` answers. */
export interface ProjectionsStatus {
  state: RebuildState;
  /** Id of the latest rebuild (null when none ever ran). */
  rebuildId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Messages read from the log so far. */
  eventsRead: number;
  /** Events folded into the new read models (new event ids; duplicates in the log count once). */
  eventsApplied: number;
  /** Messages in the log when the rebuild started, plus those the final catch-up found. */
  eventsTotal: number;
  /** eventsApplied / eventsTotal, 0..1. */
  progress: number | null;
  /** Events replayed per second (read / elapsed), so far or overall. */
  eventsPerSecond: number | null;
  error: string | null;
  /** The live projector's lag (null when Kafka did not answer in time). */
  lag: ProjectorLag | null;
}

/** One rebuild as recorded in ops.projection_rebuilds. */
export interface RebuildRecord {
  id: string;
  state: Exclude<RebuildState, 'idle'>;
  shadowSchema: string;
  startedAt: Date;
  finishedAt: Date | null;
  eventsRead: number;
  eventsApplied: number;
  eventsTotal: number;
  eventsPerSecond: number | null;
  error: string | null;
}

interface RecordRow {
  id: string;
  state: RebuildRecord['state'];
  shadow_schema: string;
  started_at: Date;
  finished_at: Date | null;
  events_read: string;
  events_applied: string;
  events_total: string;
  events_per_second: number | null;
  error: string | null;
  in_progress: boolean;
}

/**
 * ops.projection_rebuilds: the rebuild's progress, so any process (the projector's admin endpoint
 * after the CLI ran one, or after a restart) can report it. Not a projection: it survives swaps.
 */
export class RebuildRecords {
  constructor(private readonly dataSource: DataSource) {}

  async save(record: RebuildRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ops.projection_rebuilds
         (id, state, shadow_schema, started_at, finished_at, events_read, events_applied, events_total, events_per_second, error, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (id) DO UPDATE SET
         state = EXCLUDED.state, finished_at = EXCLUDED.finished_at, events_read = EXCLUDED.events_read,
         events_applied = EXCLUDED.events_applied, events_total = EXCLUDED.events_total,
         events_per_second = EXCLUDED.events_per_second, error = EXCLUDED.error, updated_at = now()`,
      [
        record.id,
        record.state,
        record.shadowSchema,
        record.startedAt,
        record.finishedAt,
        record.eventsRead,
        record.eventsApplied,
        record.eventsTotal,
        record.eventsPerSecond,
        record.error,
      ],
    );
  }

  /**
   * The latest rebuild. One recorded as running while no session holds the rebuild lock was cut short
   * (its process died): it is reported as failed.
   */
  async latest(): Promise<RebuildRecord | null> {
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT r.*, EXISTS (
           SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         ) AS in_progress
       FROM ops.projection_rebuilds r ORDER BY started_at DESC LIMIT 1`,
      [ProjectionLocks.Rebuild],
    );
    const row = rows[0];
    if (!row) return null;
    const interrupted = (row.state === 'running' || row.state === 'swapping') && !row.in_progress;
    return {
      id: row.id,
      state: interrupted ? 'failed' : row.state,
      shadowSchema: row.shadow_schema,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      eventsRead: Number(row.events_read),
      eventsApplied: Number(row.events_applied),
      eventsTotal: Number(row.events_total),
      eventsPerSecond: row.events_per_second,
      error: interrupted ? 'interrupted: the process running the rebuild stopped' : row.error,
    };
  }
}
