/*
 * `npm run bench -- streams`: live streams (SSE) on one gateway while the pipeline runs at 200 jobs/s.
 *
 * Design: 900 per-job streams on risk jobs that stay PENDING (no risk stage runs: long-lived, idle
 * streams that only get heartbeats) and 100 dashboards (`GET /jobs/stream?status=SUCCEEDED`, every job's
 * completion) stay open through the run: 1,000 open streams. On top, every 3rd scrape job submitted gets
 * its own stream right after its 202 (opened, fed, ended while the job runs). BENCH_DASHBOARDS (100)
 * changes the share of dashboards among the 1,000. Measured:
 *  - gateway CPU (ms per s) and RSS at 200 jobs/s without streams, then with them (and per open stream);
 *  - delay from the projection's commit to the client's socket, p50/p99: the commit time is when a
 *    LISTEN connection in a worker thread of its own got the projector's notification naming the job
 *    (PostgreSQL sends it at commit); an event's delay is its arrival at an SSE client minus the latest
 *    notification for its job before it, both on the process-wide monotonic clock. The SSE clients
 *    live in two more worker threads and the load generator on the main thread, so neither's event
 *    loop delays the other (history an opened stream replays is not counted). Each client thread's own
 *    stalls are watched while frames come (a chunk noted late there is the client's delay, not the
 *    gateway's), and the frames are parsed only once nothing arrives any more;
 *  - events delivered vs expected: each per-job stream's events against job_events, each once and in
 *    job_seq order; each dashboard's SUCCEEDED events against the jobs submitted.
 * Bounded: BENCH_SECONDS (15) at BENCH_RATE (200) jobs/s, then at most 120 s to drain. Writes
 * bench-results/streams.json.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client } from 'pg';
import { LocalStack, repoRoot } from '@app/stack';
import { BenchSystem } from './pipeline-bench';
import { cpuUsedBetween, machineBusyMs } from './cpu-meter';
import { LoadGenerator, percentiles, round, type Percentiles } from './load-generator';
import { monotonicMs, WorkerCalls } from './streams/worker-calls';
import type { StreamReport, ThreadStalls } from './streams/sse-client-worker';

/** Dashboards (each gets every job's completion); the rest of the 1,000 are per-job streams. */
const DASHBOARDS = Number(process.env.BENCH_DASHBOARDS ?? 100);
const IDLE_JOB_STREAMS = 1000 - DASHBOARDS;
/** The budget: a per-job delivery slower than this is checked against client-thread stalls over it. */
const LATE_MS = 50;
/** Worker threads the SSE clients are spread over. */
const CLIENT_THREADS = 2;
const DAILY_RETURNS = Array.from({ length: 30 }, (_, day) => Math.round(Math.sin(day + 1) * 200) / 10_000);
const RISK_JOB = JSON.stringify({
  type: 'risk',
  input: {
    method: 'historical',
    confidence: 0.99,
    horizonDays: 10,
    positions: [{ symbol: 'AAPL', quantity: 100, price: 190.5 }],
    returns: { AAPL: DAILY_RETURNS },
  },
});

async function startSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>Bench</title></head><body>ok</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface Phase {
  jobs: number;
  gatewayCpuMsPerSecond: number;
  gatewayRssMb: number;
  /** CPU ms per second of each process of the stack, and of this bench (its threads included). */
  cpuMsPerSecond: Record<string, number>;
  /** The whole machine's busy share of its cores, percent. */
  machineBusyPercent: number;
}

/** `rate` jobs/s for `seconds`; calls `accepted` for each job id as its 202 arrives. */
async function steady(
  system: BenchSystem,
  body: string,
  rate: number,
  seconds: number,
  accepted?: (id: string) => void,
): Promise<{ phase: Phase; ids: string[] }> {
  const load = new LoadGenerator(system.baseUrl, body);
  if (accepted) {
    const set = load.accepted.set.bind(load.accepted);
    load.accepted.set = (id: string, at: number) => {
      set(id, at);
      accepted(id);
      return load.accepted;
    };
  }
  const cpuBefore = system.cpu();
  const benchBefore = process.cpuUsage();
  const busyBefore = machineBusyMs();
  const started = performance.now();
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, system.rssMb().gateway ?? 0)), 500);
  try {
    await load.steady(rate, seconds);
  } finally {
    clearInterval(sampler);
    await load.close();
  }
  const elapsed = performance.now() - started;
  const used = cpuUsedBetween(cpuBefore, system.cpu());
  const bench = process.cpuUsage(benchBefore);
  const perSecond = (ms: number): number => round((ms * 1000) / elapsed);
  const cpuMsPerSecond: Record<string, number> = {};
  for (const [role, ms] of Object.entries(used)) cpuMsPerSecond[role] = perSecond(ms);
  cpuMsPerSecond.bench = perSecond((bench.user + bench.system) / 1000);
  return {
    phase: {
      jobs: load.accepted.size,
      gatewayCpuMsPerSecond: perSecond(used.gateway ?? 0),
      gatewayRssMb: rss,
      cpuMsPerSecond,
      machineBusyPercent: round(((machineBusyMs() - busyBefore) * 100) / (elapsed * os.cpus().length)),
    },
    ids: [...load.accepted.keys()],
  };
}

/** The SSE clients, spread over worker threads, each stream known by a key. */
class StreamClients {
  private readonly workers: WorkerCalls[];
  private nextKey = 0;
  /** Per-job streams opened during the run: key -> when the main thread asked for it. */
  readonly openedAt = new Map<number, number>();

  constructor(threads: number) {
    this.workers = Array.from(
      { length: threads },
      () => new WorkerCalls(path.join(__dirname, 'streams', 'sse-client-worker.js')),
    );
  }

  open(jobId: string | null, url: string): number {
    const key = this.nextKey++;
    if (jobId !== null) this.openedAt.set(key, monotonicMs());
    this.workers[key % this.workers.length].send('open', key, jobId, url);
    return key;
  }

  async expect(ids: string[]): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.call('expect', ids)));
  }

  /** With `parse`: also whether dashboards saw every expected job (takes the client threads a while). */
  async status(parse = false): Promise<ClientStatus> {
    const all = await Promise.all(this.workers.map((worker) => worker.call<ClientStatus>('status', parse)));
    const sum = {
      open: 0,
      jobStreams: 0,
      jobStreamsEnded: 0,
      dashboards: 0,
      dashboardsComplete: 0,
      chunksReceived: 0,
    };
    for (const s of all) for (const k of Object.keys(sum) as (keyof ClientStatus)[]) sum[k] += s[k];
    return sum;
  }

  async watchStalls(thresholdMs: number): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.call('watchStalls', thresholdMs)));
  }

  /** The worst of the client threads (each thread's own stall spans kept apart, by thread). */
  async stalls(): Promise<Omit<ThreadStalls, 'spans'> & { spans: ThreadStalls['spans'][] }> {
    const all = await Promise.all(this.workers.map((worker) => worker.call<ThreadStalls>('stalls')));
    return {
      spans: all.map((s) => s.spans),
      nice: Math.max(...all.map((s) => s.nice)),
      p99: round(Math.max(...all.map((s) => s.p99))),
      max: round(Math.max(...all.map((s) => s.max))),
      longestGc: round(Math.max(...all.map((s) => s.longestGc))),
    };
  }

  /** Whether the thread holding stream `key` stalled (a span of `spans`) between `from` and `to`. */
  stalledBetween(key: number, spans: ThreadStalls['spans'][], from: number, to: number): boolean {
    return (spans[key % this.workers.length] ?? []).some(([start, end]) => start < to && end > from);
  }

  async report(keys: number[]): Promise<StreamReport[]> {
    const parts = await Promise.all(
      this.workers.map((worker) => worker.call<StreamReport[]>('report', keys)),
    );
    return parts.flat();
  }

  private stopped = false;

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.workers.map((worker) => worker.call('closeAll').catch(() => undefined)));
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}

interface ClientStatus {
  open: number;
  jobStreams: number;
  jobStreamsEnded: number;
  dashboards: number;
  dashboardsComplete: number;
  chunksReceived: number;
}

type Buckets = Map<string, Map<number, number>> & { loopLagMs?: { p99: number; max: number } };

/**
 * The gateway's live_stream_delivery_seconds buckets (cumulative counts) by kind, and its event-loop lag
 * since the scrape before (prom-client measures it between scrapes).
 */
async function deliveryBuckets(baseUrl: string): Promise<Buckets> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const out: Buckets = new Map();
  const gauge = (name: string): number =>
    round(Number(new RegExp(`^${name}\\{[^}]*\\} ([0-9.e+-]+)$`, 'm').exec(text)?.[1]) * 1000);
  out.loopLagMs = {
    p99: gauge('nodejs_eventloop_lag_p99_seconds'),
    max: gauge('nodejs_eventloop_lag_max_seconds'),
  };
  for (const match of text.matchAll(/^live_stream_delivery_seconds_bucket\{([^}]*)\} (\d+)$/gm)) {
    const le = /le="([^"]+)"/.exec(match[1])?.[1];
    const kind = /kind="([^"]+)"/.exec(match[1])?.[1];
    if (le === undefined || kind === undefined) continue;
    const buckets = out.get(kind) ?? new Map<number, number>();
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(match[2]));
    out.set(kind, buckets);
  }
  return out;
}

/**
 * Upper bounds (ms) of the buckets holding p50 and p99 of what was observed between two scrapes: the
 * gateway's own share of the delay, from its notification to its write.
 */
function gatewayShare(
  before: Buckets,
  after: Buckets,
  kind: string,
): { p50: number; p99: number; count: number } {
  const end = after.get(kind) ?? new Map<number, number>();
  const start = before.get(kind) ?? new Map<number, number>();
  const bounds = [...end.keys()].sort((a, b) => a - b);
  const count = (end.get(Infinity) ?? 0) - (start.get(Infinity) ?? 0);
  const at = (q: number): number => {
    for (const bound of bounds) {
      if ((end.get(bound) ?? 0) - (start.get(bound) ?? 0) >= q * count) return bound * 1000;
    }
    return NaN;
  };
  return { p50: at(0.5), p99: at(0.99), count };
}

/** The latest of `times` at or before `at`. */
function latestBefore(times: number[] | undefined, at: number): number | undefined {
  let found: number | undefined;
  for (const time of times ?? []) if (time <= at) found = time;
  return found;
}

async function untilAsync(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function runStreamsBench(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 15);
  const rate = Number(process.env.BENCH_RATE ?? 200);
  const log = (line: string): void => void process.stdout.write(`[bench] ${line}\n`);
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-bench-'));
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const site = await startSite();
  const clients = new StreamClients(CLIENT_THREADS);
  const clock = new WorkerCalls(path.join(__dirname, 'streams', 'commit-clock-worker.js'));
  try {
    const endpoints = await stack.start({ dataDir, freePorts: true, fast: true });
    const system = new BenchSystem();
    system.nameProcess(stack.postgres?.pid, 'postgres');
    await system.start(endpoints.kafkaBrokers, endpoints.databaseUrl, { OTEL_SDK_DISABLED: 'true' }, [
      'gateway',
      'scraper',
      'projector',
    ]);
    try {
      const scrape = JSON.stringify({ type: 'scrape', input: { url: `${site.url}/page` } });
      log('warm-up: 1000 jobs');
      const warm = new LoadGenerator(system.baseUrl, scrape);
      await warm.burst(1000, 32);
      await warm.close();
      await new Promise((resolve) => setTimeout(resolve, 2000));

      log(`without streams: ${rate} jobs/s for ${seconds} s`);
      const without = await steady(system, scrape, rate, seconds);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const rssBeforeStreams = system.rssMb().gateway ?? 0;

      log(`opening ${IDLE_JOB_STREAMS} streams on PENDING risk jobs and ${DASHBOARDS} dashboards`);
      const risk = new LoadGenerator(system.baseUrl, RISK_JOB);
      await risk.burst(IDLE_JOB_STREAMS, 32);
      await risk.close();
      const idleKeys: number[] = [];
      for (const id of risk.accepted.keys())
        idleKeys.push(clients.open(id, `${system.baseUrl}/jobs/${id}/stream`));
      const dashboardKeys = Array.from({ length: DASHBOARDS }, () =>
        clients.open(null, `${system.baseUrl}/jobs/stream?status=SUCCEEDED`),
      );
      const openAtStart = idleKeys.length + dashboardKeys.length;
      await untilAsync('every stream open', async () => (await clients.status()).open >= openAtStart, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const rssWithIdleStreams = system.rssMb().gateway ?? 0;
      await clock.call('start', system.databaseUrl);

      log(`with ${openAtStart} open streams (+ one per 3rd job submitted): ${rate} jobs/s for ${seconds} s`);
      const bucketsBefore = await deliveryBuckets(system.baseUrl);
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      await clients.watchStalls(LATE_MS);
      const runKeys: number[] = [];
      let count = 0;
      const withStreams = await steady(system, scrape, rate, seconds, (id) => {
        count += 1;
        if (count % 3 === 0) runKeys.push(clients.open(id, `${system.baseUrl}/jobs/${id}/stream`));
      });
      loopDelay.disable();
      const benchLoopDelayMs = {
        p50: round(loopDelay.percentile(50) / 1e6),
        p99: round(loopDelay.percentile(99) / 1e6),
        max: round(loopDelay.max / 1e6),
      };
      log('draining (every job stream ended, every dashboard saw every job)');
      const submitted = new Set(withStreams.ids);
      await clients.expect(withStreams.ids);
      let chunksBefore = -1;
      await untilAsync(
        'the streams to drain',
        async () => {
          const status = await clients.status();
          const quiet = status.jobStreamsEnded >= runKeys.length && status.chunksReceived === chunksBefore;
          chunksBefore = status.chunksReceived;
          // Parsing takes the client threads for a while: only once nothing came for a poll interval, so
          // no frame still on its way is noted late (it was, by up to a second, when parsing began earlier).
          return quiet && (await clients.status(true)).dashboardsComplete >= DASHBOARDS;
        },
        120_000,
      ).catch((error: Error) => log(error.message));
      const clientStallsMs = await clients.stalls();
      const bucketsAfter = await deliveryBuckets(system.baseUrl);
      const inGateway = {
        job: gatewayShare(bucketsBefore, bucketsAfter, 'job'),
        dashboard: gatewayShare(bucketsBefore, bucketsAfter, 'dashboard'),
      };
      const commits = new Map(Object.entries(await clock.call<Record<string, number[]>>('times')));

      const jobStreams = await clients.report(runKeys);
      // Expected: every event job_events holds for the streamed jobs.
      const db = new Client({ connectionString: system.databaseUrl });
      await db.connect();
      const counts = new Map<string, number>();
      try {
        const rows = await db.query<{ job_id: string; n: string }>(
          `SELECT job_id::text, count(*) AS n FROM job_events WHERE job_id = ANY($1::uuid[]) GROUP BY job_id`,
          [jobStreams.map((s) => s.jobId)],
        );
        for (const row of rows.rows) counts.set(row.job_id, Number(row.n));
      } finally {
        await db.end();
      }
      let expected = 0;
      let delivered = 0;
      let outOfOrderOrRepeated = 0;
      let endedWithEnd = 0;
      const delays: number[] = [];
      const openLatencies: number[] = [];
      /** Per-job deliveries over LATE_MS, and how many of them a stall of their client's thread overlapped. */
      const late = { count: 0, duringClientStall: 0 };
      for (const stream of jobStreams) {
        const jobId = stream.jobId ?? '';
        expected += counts.get(jobId) ?? 0;
        const events = stream.frames.filter((f) => f.id !== undefined);
        delivered += events.length;
        // Each event once (its id: is the event id); a job's events arrive in its own order by design.
        const ids = events.map((f) => f.id ?? '');
        outOfOrderOrRepeated += ids.length - new Set(ids).size;
        if (stream.frames[stream.frames.length - 1]?.event === 'end') endedWithEnd += 1;
        // Live deliveries only: events committed after the stream's first frame (it was registered by then).
        const registered = stream.firstAt ?? Infinity;
        const openedAt = clients.openedAt.get(stream.key);
        if (registered !== Infinity && openedAt !== undefined) openLatencies.push(registered - openedAt);
        for (const frame of events) {
          const commit = latestBefore(commits.get(jobId), frame.at);
          if (commit !== undefined && commit >= registered) {
            delays.push(frame.at - commit);
            if (frame.at - commit > LATE_MS) {
              late.count += 1;
              if (clients.stalledBetween(stream.key, clientStallsMs.spans, commit, frame.at))
                late.duringClientStall += 1;
            }
          }
        }
      }
      const dashboardDelays: number[] = [];
      let dashboardDelivered = 0;
      for (const dashboard of await clients.report(dashboardKeys)) {
        for (const frame of dashboard.frames) {
          const jobId = frame.dataId;
          if (jobId === undefined || !submitted.has(jobId)) continue;
          dashboardDelivered += 1;
          const commit = latestBefore(commits.get(jobId), frame.at);
          if (commit !== undefined) dashboardDelays.push(frame.at - commit);
        }
      }
      const idleStillOpen = (await clients.report(idleKeys)).filter((s) => !s.ended).length;
      const results = {
        machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
        rate,
        seconds,
        design: `${IDLE_JOB_STREAMS} per-job streams on PENDING jobs + ${DASHBOARDS} dashboards (?status=SUCCEEDED) open throughout, plus a per-job stream on every 3rd scrape job submitted`,
        withoutStreams: { ...without.phase, rssIdleMb: rssBeforeStreams },
        withStreams: {
          ...withStreams.phase,
          openStreamsAtStart: openAtStart,
          streamsOpenedInTotal: openAtStart + runKeys.length,
          rssIdleMb: rssWithIdleStreams,
          rssPerOpenStreamKb: round(((rssWithIdleStreams - rssBeforeStreams) * 1024) / openAtStart, 1),
          extraGatewayCpuMsPerSecond: round(
            withStreams.phase.gatewayCpuMsPerSecond - without.phase.gatewayCpuMsPerSecond,
          ),
        },
        jobStreams: {
          streams: jobStreams.length,
          endedWithEnd: endedWithEnd,
          eventsExpected: expected,
          eventsDelivered: delivered,
          outOfOrderOrRepeated,
          commitToSocketMs: percentiles(delays),
          samples: delays.length,
          openToFirstFrameMs: percentiles(openLatencies),
        },
        dashboards: {
          streams: DASHBOARDS,
          succeededExpected: DASHBOARDS * submitted.size,
          succeededDelivered: dashboardDelivered,
          commitToSocketMs: percentiles(dashboardDelays),
        },
        notificationToWriteInGatewayMs: inGateway,
        gatewayEventLoopLagMs: bucketsAfter.loopLagMs,
        idleJobStreamsStillOpen: idleStillOpen,
        benchEventLoopDelayMs: benchLoopDelayMs,
        clientThreadStallsMs: {
          p99: clientStallsMs.p99,
          max: clientStallsMs.max,
          longestGc: clientStallsMs.longestGc,
        },
        lateJobDeliveries: { overMs: LATE_MS, ...late },
      };
      const outDir = path.join(repoRoot(), 'bench-results');
      await fs.promises.mkdir(outDir, { recursive: true });
      await fs.promises.writeFile(path.join(outDir, 'streams.json'), `${JSON.stringify(results, null, 2)}\n`);
      const p = (x: Percentiles): string => `p50 ${x.p50} / p95 ${x.p95} / p99 ${x.p99} ms`;
      process.stdout.write(
        [
          `== live streams at ${rate} jobs/s for ${seconds} s (${results.design})`,
          `without streams: gateway CPU ${without.phase.gatewayCpuMsPerSecond} ms/s, RSS ${without.phase.gatewayRssMb} MB (idle ${rssBeforeStreams} MB)`,
          `CPU ms/s without streams: ${JSON.stringify(without.phase.cpuMsPerSecond)}, machine ${without.phase.machineBusyPercent}% busy`,
          `CPU ms/s with streams: ${JSON.stringify(withStreams.phase.cpuMsPerSecond)}, machine ${withStreams.phase.machineBusyPercent}% busy`,
          `with ${openAtStart} open (+${jobStreams.length} per-job during the run): gateway CPU ${withStreams.phase.gatewayCpuMsPerSecond} ms/s (+${results.withStreams.extraGatewayCpuMsPerSecond}), RSS ${withStreams.phase.gatewayRssMb} MB (idle ${rssWithIdleStreams} MB, ${results.withStreams.rssPerOpenStreamKb} KB per open stream)`,
          `per-job streams: ${delivered} of ${expected} events delivered, ${outOfOrderOrRepeated} out of order or repeated, ${endedWithEnd} of ${jobStreams.length} ended with end; commit -> socket ${p(results.jobStreams.commitToSocketMs)} (${delays.length} live samples); open -> first frame ${p(results.jobStreams.openToFirstFrameMs)}`,
          `dashboards: ${dashboardDelivered} of ${results.dashboards.succeededExpected} SUCCEEDED jobs delivered; commit -> socket ${p(results.dashboards.commitToSocketMs)}`,
          `in the gateway, notification -> write (histogram bucket bounds): per-job p50 <= ${inGateway.job.p50} / p99 <= ${inGateway.job.p99} ms, dashboards p50 <= ${inGateway.dashboard.p50} / p99 <= ${inGateway.dashboard.p99} ms; the gateway's event-loop lag p99 ${bucketsAfter.loopLagMs?.p99} / max ${bucketsAfter.loopLagMs?.max} ms`,
          `idle per-job streams still open at the end: ${idleStillOpen} of ${IDLE_JOB_STREAMS}`,
          `the load generator's event-loop delay (main thread; the SSE clients and the commit clock have threads of their own): p50 ${benchLoopDelayMs.p50} / p99 ${benchLoopDelayMs.p99} / max ${benchLoopDelayMs.max} ms`,
          `the SSE clients' threads (nice ${clientStallsMs.nice}) while frames came: event-loop delay p99 ${clientStallsMs.p99} / max ${clientStallsMs.max} ms, longest GC pause ${clientStallsMs.longestGc} ms; of ${late.count} per-job deliveries over ${LATE_MS} ms, ${late.duringClientStall} overlapped a stall (over ${LATE_MS} ms) of their client's thread`,
          `wrote ${path.join(outDir, 'streams.json')}`,
        ].join('\n') + '\n',
      );
    } finally {
      await clients.stop();
      await clock.call('stop').catch(() => undefined);
      await system.stop();
    }
  } finally {
    await clients.stop();
    await clock.stop();
    await stack.stop().catch(() => undefined);
    await site.close();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
}
