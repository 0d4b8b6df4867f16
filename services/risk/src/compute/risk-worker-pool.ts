import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

import Piscina from 'piscina';

import type { RiskInput, RiskResult } from '@app/contracts/plain';
import { RiskComputationError } from '../domain/risk-computation-error';
import type { RiskWorkerRequest, RiskWorkerResponse } from './risk-worker';

export interface RiskWorkerPoolOptions {
  /** Worker threads; default: available parallelism minus one (the event loop keeps a core), at least 1. */
  threads?: number;
  /** Tasks allowed to wait for a thread before `compute` rejects; default: piscina's 'auto' (threads^2). */
  maxQueue?: number;
  /**
   * Worker module. Default: the compiled `risk-worker.js` next to this file, i.e. it works when running
   * from `dist/`. Under ts-jest there is no such file; tests exercise `computeRisk` directly instead.
   */
  filename?: string;
}

/**
 * Runs risk computations on a pool of worker threads.
 *
 * Why off the event loop: a 10^6-path Monte Carlo or a large covariance is hundreds of milliseconds to
 * seconds of pure CPU. On the main thread that would block the Kafka consumer's heartbeats (the group
 * coordinator would evict the member and rebalance), HTTP health checks and every other job. In a
 * worker the main thread only posts the request and awaits the answer, and several jobs can compute
 * in parallel on different cores.
 */
export class RiskWorkerPool {
  private readonly pool: Piscina<RiskWorkerRequest, RiskWorkerResponse>;

  constructor(options: RiskWorkerPoolOptions = {}) {
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    if (!(Number.isInteger(threads) && threads >= 1))
      throw new RangeError(`threads must be an integer >= 1, got ${threads}`);
    this.pool = new Piscina<RiskWorkerRequest, RiskWorkerResponse>({
      filename: options.filename ?? resolve(__dirname, 'risk-worker.js'),
      name: 'default',
      minThreads: threads,
      maxThreads: threads,
      maxQueue: options.maxQueue ?? 'auto',
      idleTimeout: 60_000,
    });
  }

  get threads(): number {
    return this.pool.maxThreads;
  }

  /**
   * Computes the job in a worker thread. Rejects with RiskComputationError (carrying `code`) when the
   * input cannot be computed, or with a plain Error for an internal failure (a bug, a crashed worker,
   * a full queue).
   */
  async compute(input: RiskInput, jobId: string): Promise<RiskResult> {
    const response = await this.pool.run({ input, jobId });
    if (response.ok) return response.result;
    throw new RiskComputationError(response.error.code, response.error.message);
  }

  /** Waits for running tasks, then stops the threads. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
