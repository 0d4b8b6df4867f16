/**
 * Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html): each
 * event is `event:`, optional `id:`, and `data:` lines, then a blank line. Data is JSON, which never
 * holds a raw line break; one is split across `data:` lines anyway, as the format requires.
 */
export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** One event, ready to write. */
export function formatSseEvent({ event, id, data }: SseEvent): string {
  let frame = `event: ${singleLine(event)}\n`;
  if (id !== undefined) frame += `id: ${singleLine(id)}\n`;
  for (const line of JSON.stringify(data).split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A comment line (ignored by clients; keeps proxies from closing an idle connection). */
export function formatSseComment(text: string): string {
  return `: ${singleLine(text)}\n\n`;
}

/** How long a client waits before reconnecting after the connection drops. */
export function formatSseRetry(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.floor(milliseconds))}\n\n`;
}

/** The heartbeat comment every open stream gets every STREAM_HEARTBEAT_MS. */
export const SSE_HEARTBEAT = formatSseComment('hb');

function singleLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}
