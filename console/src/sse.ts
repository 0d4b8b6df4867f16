import { ApiError, type Api } from './api';

/** One Server-Sent Events frame. */
export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

/**
 * Splits a text/event-stream body into events (the WHATWG parsing rules the API needs: `event:`, `id:`,
 * multi-line `data:`, `:` comments such as the `: hb` heartbeat). Resolves when the body ends.
 */
export async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: SseEvent) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let id: string | null = null;
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'id') id = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0 || id !== null) onEvent({ event, id, data: data.join('\n') });
    }
  }
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface FollowOptions {
  onEvent: (event: SseEvent) => void;
  onState?: (state: StreamState, error?: ApiError) => void;
  /** Resume with Last-Event-ID after a drop (a job's stream); the jobs stream has no resume. */
  resume?: boolean;
  /** Called after a reconnect of a stream without resume: what was missed must be read again. */
  onReconnect?: () => void;
  /** The event after which the stream is over (a job's `end`). */
  endEvent?: string;
}

/**
 * Follows a stream until stopped: reconnects after a drop (a gateway restart) with a growing pause,
 * resuming after the last event id when the stream supports it. A refusal (4xx) stops it. Returns the
 * function that stops it.
 */
export function follow(api: Api, path: string, options: FollowOptions): () => void {
  const controller = new AbortController();
  let lastEventId: string | null = null;
  let ended = false;
  let failures = 0;
  const run = async (): Promise<void> => {
    for (let attempt = 0; !controller.signal.aborted; attempt += 1) {
      options.onState?.(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const response = await api.openStream(path, controller.signal, options.resume ? lastEventId : null);
        if (attempt > 0 && !options.resume) options.onReconnect?.();
        options.onState?.('live');
        failures = 0;
        await readEvents(response.body as ReadableStream<Uint8Array>, (event) => {
          if (event.id !== null) lastEventId = event.id;
          if (options.endEvent !== undefined && event.event === options.endEvent) ended = true;
          options.onEvent(event);
        });
        if (ended) {
          options.onState?.('ended');
          return;
        }
      } catch (error: unknown) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.problem.status < 500 && error.problem.status !== 429) {
          options.onState?.('failed', error);
          return;
        }
        failures += 1;
      }
      // A pause before reconnecting: 0.5 s, doubling up to 10 s while it keeps failing.
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** failures)));
    }
  };
  void run();
  return () => controller.abort();
}
