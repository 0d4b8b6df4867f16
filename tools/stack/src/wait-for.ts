export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between two probes. */
  intervalMs?: number;
  /** Checked before each probe: a reason to stop waiting at once (e.g. the process exited). */
  abort?: () => string | undefined;
  /** Named in the error message. */
  what: string;
}

export class WaitTimeoutError extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than `undefined` (a thrown error counts as "not yet"),
 * failing on the deadline or when `abort` names a reason.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) throw new Error(`${options.what}: ${aborted}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error: unknown) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${lastError})` : '';
      throw new WaitTimeoutError(`${options.what}: not ready after ${options.timeoutMs} ms${detail}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}
