import type { DataSource } from 'typeorm';
import { toDeadLetterView, type DeadLetterRow, type DeadLetterView } from './dead-letter-view';

export type RedriveClaim =
  { claimed: true; entry: DeadLetterView } | { claimed: false; entry: DeadLetterView } | null;

/**
 * The redrive mark of a dead-letter entry. Claiming it before sending the message back makes a redrive
 * idempotent: of two concurrent or repeated redrives, only the one that claimed it publishes.
 */
export class DeadLetterClaims {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims the entry for a redrive; `claimed: false` when it was redriven before; null when unknown. */
  async claim(id: string): Promise<RedriveClaim> {
    const [claimed]: [DeadLetterRow[], number] = await this.dataSource.query(
      `UPDATE ops.dead_letters SET redriven_at = now(), redrive_count = redrive_count + 1
       WHERE id = $1 AND redriven_at IS NULL RETURNING *`,
      [id],
    );
    if (claimed.length > 0) return { claimed: true, entry: toDeadLetterView(claimed[0]) };
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT * FROM ops.dead_letters WHERE id = $1`,
      [id],
    );
    return rows.length === 0 ? null : { claimed: false, entry: toDeadLetterView(rows[0]) };
  }

  /** Gives a claim back after the message could not be sent, so a later redrive can try again. */
  async release(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ops.dead_letters SET redriven_at = NULL, redrive_count = redrive_count - 1
       WHERE id = $1 AND redriven_at IS NOT NULL`,
      [id],
    );
  }
}
