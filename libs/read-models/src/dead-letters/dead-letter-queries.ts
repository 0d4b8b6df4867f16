import type { DataSource } from 'typeorm';
import type { DeadLetterReason } from '@app/platform';
import { afterCursorSql, cursorTimeSql, keysetPage, type KeysetCursor } from '../keyset-cursor';
import { toDeadLetterView, type DeadLetterRow, type DeadLetterView } from './dead-letter-view';

export interface DeadLetterFilter {
  reason?: DeadLetterReason;
  /** Source topic (logical name). */
  topic?: string;
  /** Only the entries of this tenant (entries whose tenant is not known never match). */
  tenant?: string;
  limit: number;
  /** Position after the last item of the previous page (its failedAt and id). */
  cursor?: KeysetCursor;
}

export interface DeadLetterPage {
  items: DeadLetterView[];
  nextCursor: string | null;
}

/** Reads of ops.dead_letters for the admin API, newest first. */
export class DeadLetterQueries {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<DeadLetterView | null> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT * FROM ops.dead_letters WHERE id = $1`,
      [id],
    );
    return rows.length === 0 ? null : toDeadLetterView(rows[0]);
  }

  async list(filter: DeadLetterFilter): Promise<DeadLetterPage> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.reason) {
      params.push(filter.reason);
      where.push(`reason = $${params.length}`);
    }
    if (filter.topic) {
      params.push(filter.topic);
      where.push(`source_topic = $${params.length}`);
    }
    if (filter.tenant) {
      params.push(filter.tenant);
      where.push(`tenant_id = $${params.length}`);
    }
    if (filter.cursor) where.push(afterCursorSql('failed_at', filter.cursor, params));
    params.push(filter.limit + 1);
    const rows: (DeadLetterRow & { cursor_failed_at: string })[] = await this.dataSource.query(
      `SELECT *, ${cursorTimeSql('failed_at')} AS cursor_failed_at
       FROM ops.dead_letters ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY failed_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const { page, nextCursor } = keysetPage(rows, filter.limit, (row) => row.cursor_failed_at);
    return { items: page.map(toDeadLetterView), nextCursor };
  }
}
