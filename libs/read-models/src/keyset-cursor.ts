/**
 * Keyset pagination shared by the list queries (newest first: time DESC, id DESC). The cursor is the
 * position after the last item of a page; clients see it as opaque text (base64url of its JSON).
 */
export interface KeysetCursor {
  /** The last item's time (created_at of a job, failed_at of a dead letter), as issued. */
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** UTC ISO-8601 as issued (up to microseconds, PostgreSQL's precision). */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * Returns null when the text is not a cursor we issued. Strict on purpose: whatever passes goes into
 * `::timestamptz` / `::uuid` casts, and a value PostgreSQL cannot cast would be a server error, not a 400.
 */
export function decodeCursor(text: string): KeysetCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt !== 'string' || !CURSOR_TIME.test(createdAt)) return null;
    // Rejects impossible dates (2025-02-30) that Date.parse rolls over but PostgreSQL refuses.
    const ms = Date.parse(createdAt);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== createdAt.slice(0, 19)) return null;
    if (typeof id !== 'string' || !CURSOR_ID.test(id)) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

/**
 * SQL for `timeColumn` as a cursor keeps it: PostgreSQL's microsecond precision. A JS Date
 * (milliseconds) would round it down, and the next page would skip rows of the same millisecond.
 */
export function cursorTimeSql(timeColumn: string): string {
  return `to_char(${timeColumn} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The condition "after `cursor`" on (timeColumn, id); appends its values to `params`. */
export function afterCursorSql(timeColumn: string, cursor: KeysetCursor, params: unknown[]): string {
  params.push(cursor.createdAt, cursor.id);
  return `(${timeColumn}, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
}

/**
 * The page out of the `limit + 1` rows fetched, and the cursor after its last row when more follow.
 * `cursorTime` is the row's time as selected with `cursorTimeSql`.
 */
export function keysetPage<Row extends { id: string }>(
  rows: Row[],
  limit: number,
  cursorTime: (row: Row) => string,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    page,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ createdAt: cursorTime(last), id: last.id }) : null,
  };
}
