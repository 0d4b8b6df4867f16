/*
 * `npm run bench -- streams`: live streams (SSE) on one gateway while the pipeline runs at 200 jobs/s.
 *
 * Design: 900 per-job streams on risk jobs that stay PENDING (no risk stage runs: long-lived, idle
 * streams that only get heartbeats) and 100 dashboards (`GET /jobs/stream?status=SUCCEEDED`, every job's
 * completion) stay open through the run: 1,000 open streams. On top, every 3rd scrape job submitted gets
 * its own stream right after its 202 (opened, fed, ended while the job runs). Measured:
 *  - gateway CPU (ms per s) and RSS at 200 jobs/s without streams, then with them (and per open stream);
 *  - delay from the projection's commit to the client's socket, p50/p99: the commit time is when a
 *    separate LISTEN connection of this process got the projector's notification naming the job
 *    (PostgreSQL sends it at commit); an event's delay is its arrival minus the latest notification for
 *    its job before it (both seen by this process's one event loop, so its own lag cancels out mostly;
 *    history an opened stream replays is not counted);
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
import { cpuUsedBetween } from './cpu-meter';
import { LoadGenerator, percentiles, round, type Percentiles } from './load-generator';
import { benchAuth } from './bench-key';

const IDLE_JOB_STREAMS = 900;
const DASHBOARDS = 100;
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

interface Frame {
  event: string;
  id?: string;
  data: { id?: string; jobId?: string; status?: string };
  at: number;
}

/** A bench-side SSE reader: frames with their arrival time, nothing else kept. */
class Stream {
  readonly frames: Frame[] = [];
  ended = false;
  status = 0;
  private request: http.ClientRequest | null = null;
  constructor(readonly jobId: string | null) {}

  open(url: string, agent: http.Agent, onFrame?: (frame: Frame) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { agent, headers: { accept: 'text/event-stream', ...benchAuth() } });
      this.request = request;
      request.on('error', (error) => {
        this.ended = true;
        reject(error);
      });
      request.on('response', (response) => {
        this.status = response.statusCode ?? 0;
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const raw = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (raw.startsWith(':')) continue;
            const frame: Frame = { event: '', data: {}, at };
            for (const line of raw.split('\n')) {
              if (line.startsWith('event: ')) frame.event = line.slice(7);
              else if (line.startsWith('id: ')) frame.id = line.slice(4);
              // Only the job id is needed: no JSON.parse of 20,000 frames a second in this process.
              else if (line.startsWith('data: ')) frame.data = { id: /"id":"([^"]+)"/.exec(line)?.[1] };
            }
            this.frames.push(frame);
            onFrame?.(frame);
          }
        });
        response.on('close', () => (this.ended = true));
        resolve();
      });
    });
  }

  close(): void {
    this.request?.destroy();
    this.ended = true;
  }
}

/** Times at which this process saw the projector's notifications, per job. */
class CommitClock {
  readonly seen = new Map<string, number[]>();
  private client: Client | null = null;

  async start(databaseUrl: string): Promise<void> {
    this.client = new Client({ connectionString: databaseUrl });
    await this.client.connect();
    this.client.on('notification', (message) => {
      const at = performance.now();
      for (const id of (message.payload ?? '').split(',')) {
        const list = this.seen.get(id);
        if (list) list.push(at);
        else this.seen.set(id, [at]);
      }
    });
    await this.client.query('LISTEN job_changes');
  }

  /** The latest notification naming `jobId` at or before `at`. */
  commitBefore(jobId: string, at: number): number | undefined {
    const list = this.seen.get(jobId);
    if (!list) return undefined;
    let found: number | undefined;
    for (const time of list) if (time <= at) found = time;
    return found;
  }

  async stop(): Promise<void> {
    await this.client?.end();
  }
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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
  return {
    phase: {
      jobs: load.accepted.size,
      gatewayCpuMsPerSecond: round(((used.gateway ?? 0) * 1000) / elapsed),
      gatewayRssMb: rss,
    },
    ids: [...load.accepted.keys()],
  };
}

export async function runStreamsBench(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 15);
  const rate = Number(process.env.BENCH_RATE ?? 200);
  const log = (line: string): void => void process.stdout.write(`[bench] ${line}\n`);
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-bench-'));
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const site = await startSite();
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams: Stream[] = [];
  const clock = new CommitClock();
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
      for (const id of risk.accepted.keys()) {
        const stream = new Stream(id);
        streams.push(stream);
        await stream.open(`${system.baseUrl}/jobs/${id}/stream`, agent);
      }
      const dashboards = Array.from({ length: DASHBOARDS }, () => new Stream(null));
      for (const dashboard of dashboards) {
        streams.push(dashboard);
        await dashboard.open(`${system.baseUrl}/jobs/stream?status=SUCCEEDED`, agent);
      }
      await until(
        'every stream open',
        () => streams.every((s) => (s.status === 200 && s.frames.length > 0) || s.jobId === null),
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const rssWithIdleStreams = system.rssMb().gateway ?? 0;
      await clock.start(system.databaseUrl);

      log(
        `with ${streams.length} open streams (+ one per 3rd job submitted): ${rate} jobs/s for ${seconds} s`,
      );
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const jobStreams: { stream: Stream; openedAt: number }[] = [];
      let count = 0;
      const withStreams = await steady(system, scrape, rate, seconds, (id) => {
        count += 1;
        if (count % 3 !== 0) return;
        const stream = new Stream(id);
        jobStreams.push({ stream, openedAt: performance.now() });
        void stream.open(`${system.baseUrl}/jobs/${id}/stream`, agent).catch(() => undefined);
      });
      const openDuringRun = streams.length + jobStreams.length;
      loopDelay.disable();
      const benchLoopDelayMs = {
        p50: round(loopDelay.percentile(50) / 1e6),
        p99: round(loopDelay.percentile(99) / 1e6),
        max: round(loopDelay.max / 1e6),
      };
      log('draining (every job stream ended, every dashboard saw every job)');
      const submitted = new Set(withStreams.ids);
      const succeededSeen = (dashboard: Stream): number =>
        dashboard.frames.filter((f) => f.data.id !== undefined && submitted.has(f.data.id)).length;
      await until(
        'the streams to drain',
        () =>
          jobStreams.every((s) => s.stream.ended) &&
          dashboards.every((d) => succeededSeen(d) >= submitted.size),
        120_000,
      ).catch((error: Error) => log(error.message));

      // Expected: every event job_events holds for the streamed jobs.
      const db = new Client({ connectionString: system.databaseUrl });
      await db.connect();
      const counts = new Map<string, number>();
      try {
        const rows = await db.query<{ job_id: string; n: string }>(
          `SELECT job_id::text, count(*) AS n FROM job_events WHERE job_id = ANY($1::uuid[]) GROUP BY job_id`,
          [jobStreams.map((s) => s.stream.jobId)],
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
      for (const { stream, openedAt } of jobStreams) {
        const jobId = stream.jobId ?? '';
        expected += counts.get(jobId) ?? 0;
        const events = stream.frames.filter((f) => f.id !== undefined);
        delivered += events.length;
        // Each event once (its id: is the event id); a job's events arrive in its own order by design.
        const ids = events.map((f) => f.id ?? '');
        outOfOrderOrRepeated += ids.length - new Set(ids).size;
        if (stream.frames[stream.frames.length - 1]?.event === 'end') endedWithEnd += 1;
        // Live deliveries only: events committed after the stream's first frame (it was registered by then).
        const registered = stream.frames[0]?.at ?? Infinity;
        if (registered !== Infinity) openLatencies.push(registered - openedAt);
        for (const frame of events) {
          const commit = clock.commitBefore(jobId, frame.at);
          if (commit !== undefined && commit >= registered) delays.push(frame.at - commit);
        }
      }
      const dashboardDelays: number[] = [];
      let dashboardDelivered = 0;
      for (const dashboard of dashboards) {
        for (const frame of dashboard.frames) {
          const jobId = frame.data.id;
          if (jobId === undefined || !submitted.has(jobId)) continue;
          dashboardDelivered += 1;
          const commit = clock.commitBefore(jobId, frame.at);
          if (commit !== undefined) dashboardDelays.push(frame.at - commit);
        }
      }
      const idleStillOpen = streams.filter((s) => s.jobId !== null && !s.ended).length;
      const results = {
        machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
        rate,
        seconds,
        design: `${IDLE_JOB_STREAMS} per-job streams on PENDING jobs + ${DASHBOARDS} dashboards (?status=SUCCEEDED) open throughout, plus a per-job stream on every 3rd scrape job submitted`,
        withoutStreams: { ...without.phase, rssIdleMb: rssBeforeStreams },
        withStreams: {
          ...withStreams.phase,
          openStreamsAtStart: streams.length,
          streamsOpenedInTotal: openDuringRun,
          rssIdleMb: rssWithIdleStreams,
          rssPerOpenStreamKb: round(((rssWithIdleStreams - rssBeforeStreams) * 1024) / streams.length, 1),
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
          streams: dashboards.length,
          succeededExpected: dashboards.length * submitted.size,
          succeededDelivered: dashboardDelivered,
          commitToSocketMs: percentiles(dashboardDelays),
        },
        idleJobStreamsStillOpen: idleStillOpen,
        benchEventLoopDelayMs: benchLoopDelayMs,
      };
      const outDir = path.join(repoRoot(), 'bench-results');
      await fs.promises.mkdir(outDir, { recursive: true });
      await fs.promises.writeFile(path.join(outDir, 'streams.json'), `${JSON.stringify(results, null, 2)}\n`);
      const p = (x: Percentiles): string => `p50 ${x.p50} / p95 ${x.p95} / p99 ${x.p99} ms`;
      process.stdout.write(
        [
          `== live streams at ${rate} jobs/s for ${seconds} s (${results.design})`,
          `without streams: gateway CPU ${without.phase.gatewayCpuMsPerSecond} ms/s, RSS ${without.phase.gatewayRssMb} MB (idle ${rssBeforeStreams} MB)`,
          `with ${streams.length} open (+${jobStreams.length} per-job during the run): gateway CPU ${withStreams.phase.gatewayCpuMsPerSecond} ms/s (+${results.withStreams.extraGatewayCpuMsPerSecond}), RSS ${withStreams.phase.gatewayRssMb} MB (idle ${rssWithIdleStreams} MB, ${results.withStreams.rssPerOpenStreamKb} KB per open stream)`,
          `per-job streams: ${delivered} of ${expected} events delivered, ${outOfOrderOrRepeated} out of order or repeated, ${endedWithEnd} of ${jobStreams.length} ended with end; commit -> socket ${p(results.jobStreams.commitToSocketMs)} (${delays.length} live samples); open -> first frame ${p(results.jobStreams.openToFirstFrameMs)}`,
          `dashboards: ${dashboardDelivered} of ${results.dashboards.succeededExpected} SUCCEEDED jobs delivered; commit -> socket ${p(results.dashboards.commitToSocketMs)}`,
          `idle per-job streams still open at the end: ${idleStillOpen} of ${IDLE_JOB_STREAMS}`,
          `this process's event-loop delay during the run (inflates the delays above): p50 ${benchLoopDelayMs.p50} / p99 ${benchLoopDelayMs.p99} / max ${benchLoopDelayMs.max} ms`,
          `wrote ${path.join(outDir, 'streams.json')}`,
        ].join('\n') + '\n',
      );
    } finally {
      for (const stream of streams) stream.close();
      await clock.stop().catch(() => undefined);
      await system.stop();
    }
  } finally {
    agent.destroy();
    await stack.stop().catch(() => undefined);
    await site.close();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
}
