import type { Response } from 'express';

/** Where a hub writes one client's frames. */
export interface StreamSink {
  /** Writes a frame; false when the stream is closed (or was just closed for falling behind). */
  write(frame: string): boolean;
  /** Ends the stream (the client may reconnect). */
  end(): void;
  readonly closed: boolean;
  /** Called once when the stream closes, whoever closed it. */
  onClose(listener: () => void): void;
}

/**
 * A client whose socket does not take what is written (a stalled reader) is cut off after this much is
 * buffered: it can resume with Last-Event-ID, and one slow reader never holds a gateway's memory.
 */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One SSE response: headers, writes with a bound on what waits in memory, and the end. */
export class SseStream implements StreamSink {
  private ended = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private readonly res: Response) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // nginx and similar proxies buffer responses unless told not to.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.on('close', () => {
      this.ended = true;
      for (const listener of this.closeListeners.splice(0)) listener();
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  write(frame: string): boolean {
    if (this.ended) return false;
    this.res.write(frame);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.end();
      return false;
    }
    return true;
  }

  onClose(listener: () => void): void {
    if (this.res.closed) listener();
    else this.closeListeners.push(listener);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.res.end();
  }
}
