/* The load generator of the benchmarks that drive POST /jobs, and latency percentiles. */
import { Agent, request } from 'undici';
import { BENCH_ADMIN_KEY } from './bench-key';

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Rounded to 0.1 ms. */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/** Submits jobs; returns acceptance times (ms) and POST latencies. */
export class LoadGenerator {
  private readonly agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  readonly accepted = new Map<string, number>();
  readonly postLatencies: number[] = [];
  failures = 0;

  constructor(
    private readonly baseUrl: string,
    /** The JSON body of every POST /jobs. */
    private readonly body: string,
    /** The API key sent (the bench systems' admin key by default). */
    private readonly key: string = BENCH_ADMIN_KEY,
  ) {}

  /** One POST; a refused or failed request counts in `failures` (its latency still counts). */
  async submitOne(): Promise<void> {
    const started = performance.now();
    try {
      const response = await request(`${this.baseUrl}/jobs`, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
        body: this.body,
      });
      const body = (await response.body.json()) as { id?: string };
      if (response.statusCode === 202 && body.id) this.accepted.set(body.id, performance.now());
      else this.failures += 1;
    } catch {
      this.failures += 1;
    }
    this.postLatencies.push(performance.now() - started);
  }

  /** As fast as `concurrency` in-flight requests allow. */
  async burst(count: number, concurrency: number): Promise<number> {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          next += 1;
          await this.submitOne();
        }
      }),
    );
    return performance.now() - started;
  }

  /** Open loop: one request every 1/rate s for `seconds`, whatever the answers' latency. */
  async steady(rate: number, seconds: number): Promise<void> {
    const total = Math.round(rate * seconds);
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(this.submitOne());
    }
    await Promise.all(inFlight);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
