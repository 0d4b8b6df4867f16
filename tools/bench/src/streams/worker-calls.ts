import * as os from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';

/** A call to a bench worker thread and its answer, matched by id. */
interface Call {
  id: number;
  method: string;
  args: unknown[];
}
interface Answer {
  id: number;
  result?: unknown;
  error?: string;
}

/** The worker side: answers the parent's calls with `methods` (sync or async). */
export function serveCalls(methods: Record<string, (...args: never[]) => unknown>): void {
  const port = parentPort;
  if (!port) throw new Error('serveCalls runs in a worker thread');
  port.on('message', (call: Call) => {
    const method = methods[call.method] as ((...args: unknown[]) => unknown) | undefined;
    void (async (): Promise<Answer> => {
      if (!method) return { id: call.id, error: `no method ${call.method}` };
      try {
        return { id: call.id, result: await method(...call.args) };
      } catch (error) {
        return { id: call.id, error: error instanceof Error ? error.message : String(error) };
      }
    })().then((answer) => port.postMessage(answer));
  });
}

/** The parent side: a worker thread started from `file`, called by method name. */
export class WorkerCalls {
  private readonly worker: Worker;
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(file: string) {
    this.worker = new Worker(file);
    this.worker.on('message', (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (answer.error !== undefined) waiting.reject(new Error(answer.error));
      else waiting.resolve(answer.result);
    });
    this.worker.on('error', (error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies Call);
    });
  }

  /** Fire and forget (no answer awaited); errors surface in the worker's next answer. */
  send(method: string, ...args: unknown[]): void {
    void this.call(method, ...args).catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Raises the calling thread's scheduling priority (Linux: nice applies per thread) when allowed (root):
 * the bench's clients and its commit clock measure the gateway's delay, and on a machine the stack
 * keeps busy their own wait for a core would otherwise count as that delay. Returns the nice value
 * the thread runs at.
 */
export function preferThisThread(nice = -5): number {
  try {
    os.setPriority(nice);
  } catch {
    // not permitted: the thread stays at its default priority
  }
  return os.getPriority();
}

/** Milliseconds on the monotonic clock every thread of this process shares (performance.now() does not). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
