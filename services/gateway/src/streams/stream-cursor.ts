/**
 * Where a resumed job stream starts: after the event the client saw last. The stream's `id:` is the
 * event's id (as in `GET /jobs/{id}/events`); the gateway turns it into that event's `job_seq` (the order
 * in which the job's events became visible) in `epoch`, the numbering it belongs to (a rebuild numbers
 * again, in a new epoch).
 */
export interface StreamCursor {
  epoch: string | null;
  seq: number;
}

/** A `Last-Event-ID` / `lastEventId`: an event id, a UUID. */
export const STREAM_EVENT_ID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The event id of a Last-Event-ID (lower case), or null when it is not one. */
export function parseEventId(value: string): string | null {
  return STREAM_EVENT_ID_PATTERN.test(value) ? value.toLowerCase() : null;
}
