import { availableParallelism } from 'node:os';
import Piscina from 'piscina';
import type { InspectResult, InspectTask, MupdfWorkerData, RenderResult, RenderTask } from './mupdf-protocol';
import { mupdfEntryUrl, resolveMupdfWorkerFile } from './worker-file';

export interface MupdfPoolOptions {
  /** Worker threads (each holds its own mupdf WASM instance). Default: min(4, CPUs). */
  maxThreads?: number;
  /** Idle threads above the one kept warm are stopped after this many ms. Default 30 s. */
  idleTimeoutMs?: number;
}

/**
 * Runs mupdf (ESM-only, WASM, CPU-bound) on piscina worker threads, keeping it off the event loop and
 * out of CommonJS/jest module loading. Share one pool per process; call `destroy()` on shutdown.
 */
export class MupdfPool {
  private piscina: Promise<Piscina> | undefined;
  private destroyed = false;

  constructor(private readonly options: MupdfPoolOptions = {}) {}

  inspect(task: Omit<InspectTask, 'op'>, signal?: AbortSignal): Promise<InspectResult> {
    return this.run<InspectResult>({ op: 'inspect', ...task }, signal);
  }

  render(task: Omit<RenderTask, 'op'>, signal?: AbortSignal): Promise<RenderResult> {
    return this.run<RenderResult>({ op: 'render', ...task }, signal);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const pool = this.piscina;
    this.piscina = undefined;
    if (pool) await (await pool).destroy();
  }

  private async run<R>(task: InspectTask | RenderTask, signal?: AbortSignal): Promise<R> {
    if (this.destroyed) throw new Error('MupdfPool is destroyed');
    signal?.throwIfAborted();
    const pool = await (this.piscina ??= this.start());
    return (await pool.run(task, { signal: signal ?? null })) as R;
  }

  private async start(): Promise<Piscina> {
    const workerData: MupdfWorkerData = { mupdfUrl: mupdfEntryUrl() };
    return new Piscina({
      filename: await resolveMupdfWorkerFile(),
      maxThreads: this.options.maxThreads ?? Math.max(1, Math.min(4, availableParallelism())),
      // piscina 4.9 never dispatches tasks with minThreads 0, so one thread stays warm until destroy().
      minThreads: 1,
      idleTimeout: this.options.idleTimeoutMs ?? 30_000,
      workerData,
    });
  }
}

/** Copies bytes once into shared memory so every page task of a document sees them without a copy. */
export function toSharedBytes(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}
