/*
 * `npm run bench -- io`: the IO-bound row of the budgets. One scraper replica with its default
 * concurrency; BENCH_IO_JOBS (default 1,200) scrape jobs offered open-loop at BENCH_IO_RATE (default
 * 200) jobs/s against a local site that answers each page after BENCH_IO_LATENCY_MS (default 1,000).
 * Prints jobs/s finished (the finish rate: jobs - 1 over first to last finishedAt; dividing by first
 * createdAt to last finishedAt instead would charge one job's latency to the rate, and cap even an ideal
 * stage at 1,200 / 7 s = 171/s), the rate actually offered, and end-to-end latency
 * (finishedAt - createdAt from GET /jobs/{id}); writes bench-results/io.json.
 * Budget: >= 190 jobs/s, p99 <= 1.5 s.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalStack, repoRoot } from '@app/stack';
import { LoadGenerator, percentiles, round } from './load-generator';
import { BenchSystem, waitProjected } from './pipeline-bench';
import { startDelayedSite } from './scaling-bench';
import { benchKafkaNodes } from './bench-kafka-nodes';
import { benchAuth } from './bench-key';

interface JobTimes {
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  status: string;
}

async function jobTimes(baseUrl: string, ids: string[]): Promise<JobTimes[]> {
  const out: JobTimes[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = await Promise.all(
      ids.slice(i, i + 50).map(async (id) => {
        const response = await fetch(`${baseUrl}/jobs/${id}`, {
          headers: benchAuth(),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status !== 200) throw new Error(`GET /jobs/${id} answered ${response.status}`);
        return (await response.json()) as JobTimes;
      }),
    );
    out.push(...chunk);
  }
  return out;
}

export async function runIoBench(): Promise<void> {
  const jobs = Number(process.env.BENCH_IO_JOBS ?? 1200);
  const rate = Number(process.env.BENCH_IO_RATE ?? 200);
  const latencyMs = Number(process.env.BENCH_IO_LATENCY_MS ?? 1000);
  const log = (line: string): void => void process.stdout.write(`[bench] ${line}\n`);
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-bench-'));
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const site = await startDelayedSite(latencyMs);
  const system = new BenchSystem();
  let result: Record<string, unknown>;
  try {
    const endpoints = await stack.start({
      dataDir,
      freePorts: true,
      fast: true,
      kafkaBrokers: benchKafkaNodes(),
    });
    await system.start(
      endpoints.kafkaBrokers,
      endpoints.databaseUrl,
      { OTEL_SDK_DISABLED: 'true', ADMISSION_MAX_LAG_SCRAPE: '0', SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1' },
      ['gateway', 'projector', 'scraper'],
    );
    // Warm-up: the scraper has joined its groups and the path works end to end.
    const warm = new LoadGenerator(
      system.baseUrl,
      JSON.stringify({ type: 'scrape', input: { url: `${site.url}/warm` } }),
    );
    await warm.burst(10, 10);
    await waitProjected(system.databaseUrl, [...warm.accepted.keys()], 120_000);
    await warm.close();

    const loadBefore = os.loadavg();
    log(`${jobs} jobs at ${rate}/s, pages answer after ${latencyMs} ms, one scraper replica`);
    const load = new LoadGenerator(
      system.baseUrl,
      JSON.stringify({ type: 'scrape', input: { url: `${site.url}/page` } }),
    );
    await load.steady(rate, jobs / rate);
    await load.close();
    const ids = [...load.accepted.keys()];
    await waitProjected(system.databaseUrl, ids, 300_000);
    const times = await jobTimes(system.baseUrl, ids);
    const created = times.map((t) => Date.parse(t.createdAt));
    const finished = times.map((t) => Date.parse(t.finishedAt ?? t.createdAt));
    const finishSpan = (Math.max(...finished) - Math.min(...finished)) / 1000;
    const offerSpan = (Math.max(...created) - Math.min(...created)) / 1000;
    const wholeSpan = (Math.max(...finished) - Math.min(...created)) / 1000;
    const latency = percentiles(times.map((_, i) => finished[i] - created[i]));
    // Where the time goes: until the stage started the job (delivery + waiting for a slot), then its run.
    const started = times.map((t, i) => (t.startedAt ? Date.parse(t.startedAt) : created[i]));
    const untilStarted = percentiles(times.map((_, i) => started[i] - created[i]));
    const running = percentiles(times.map((_, i) => finished[i] - started[i]));
    result = {
      machine: { cpus: os.cpus().length, loadavgBefore: loadBefore, loadavgAfter: os.loadavg() },
      offered: { jobs, rate, siteLatencyMs: latencyMs },
      accepted: ids.length,
      refused: load.failures,
      succeeded: times.filter((t) => t.status === 'SUCCEEDED').length,
      offeredPerSecond: round((ids.length - 1) / offerSpan),
      jobsPerSecond: round((ids.length - 1) / finishSpan),
      firstCreatedToLastFinishedSeconds: round(wholeSpan, 2),
      endToEndMs: latency,
      untilStartedMs: untilStarted,
      runningMs: running,
    };
  } finally {
    await system.stop().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await site.close();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
  const outDir = path.join(repoRoot(), 'bench-results');
  await fs.promises.mkdir(outDir, { recursive: true });
  await fs.promises.writeFile(path.join(outDir, 'io.json'), `${JSON.stringify(result, null, 2)}\n`);
  const e2e = result.endToEndMs as { p50: number; p99: number; max: number };
  const queued = result.untilStartedMs as { p50: number; p99: number };
  const ran = result.runningMs as { p50: number; p99: number };
  process.stdout.write(
    `== IO-bound scrape (one replica): ${String(result.jobsPerSecond)} jobs/s finished (${String(result.offeredPerSecond)}/s offered, all done ${String(result.firstCreatedToLastFinishedSeconds)} s after the first was created), end to end p50 ${e2e.p50} ms, p99 ${e2e.p99} ms, max ${e2e.max} ms (budget >= 190 jobs/s, p99 <= 1500 ms); created to started p50 ${queued.p50} / p99 ${queued.p99} ms, started to finished p50 ${ran.p50} / p99 ${ran.p99} ms; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
}
