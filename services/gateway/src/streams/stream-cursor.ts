/**
 * The resume id of a job stream's events: `<epoch>-<seq>`, where seq is the event's `job_seq` (the order
 * in which the job's events became visible) and epoch names that numbering (a rebuild numbers again, in
 * a new epoch). A bare `<seq>` is accepted too (no epoch check).
 */
export interface StreamCursor {
  epoch: string | null;
  seq: number;
}

export const STREAM_EVENT_ID_PATTERN = /^(?:(\d{1,20})-)?(\d{1,15})$/;

export function formatEventId(epoch: string, seq: number): string {
  return `${epoch}-${seq}`;
}

/** The cursor of a Last-Event-ID, or null when it is not one of ours. */
export function parseEventId(value: string): StreamCursor | null {
  const match = STREAM_EVENT_ID_PATTERN.exec(value);
  if (!match) return null;
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(seq)) return null;
  return { epoch: match[1] ?? null, seq };
}
