/*
 * `npm run bench -- scaling`: throughput of the scrape stage with 1, then 2, then 4 replicas (replicas
 * are added to the running consumer group) against a local site that answers each page after
 * BENCH_SCALING_LATENCY_MS (default 200). Each replica runs one job at a time (STAGE_CONCURRENCY 1, one
 * partition at a time), so the stage is bound by waiting on the site, not by the 2 cores, and adding
 * replicas is what adds throughput. Prints jobs/s per replica count; writes bench-results/scaling.json
 * and bench-results/scaling.svg. Size: BENCH_SCALING_JOBS (default 100 per step).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent, request } from 'undici';
import { Topics } from '@app/contracts';
import { LocalStack, repoRoot, waitFor } from '@app/stack';
import { BenchSystem, round, waitProjected } from './pipeline-bench';
import { scalingChartSvg, type ScalingPoint } from './scaling-chart';
import { benchKafkaNodes } from './bench-kafka-nodes';
import { benchAuth } from './bench-key';

const REPLICA_COUNTS = [1, 2, 4];
const WORKER_ENV = {
  OTEL_SDK_DISABLED: 'true',
  STAGE_CONCURRENCY: '1',
  STAGE_PARTITIONS_CONCURRENTLY: '1',
  // The benchmark piles up a backlog on purpose.
  ADMISSION_MAX_LAG_SCRAPE: '0',
};

interface ScalingRun extends ScalingPoint {
  jobs: number;
  seconds: number;
  speedup: number;
  perReplica: number;
}

export async function startDelayedSite(
  latencyMs: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Slow page</title></head><body><h1>Hi</h1></body></html>');
    }, latencyMs);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until the scraper group is stable with `replicas` members that hold all of scrape.requested. */
async function waitForGroup(baseUrl: string, replicas: number): Promise<void> {
  interface Group {
    groupId: string;
    state: string;
    members: { assignments: { topic: string; partitions: number[] }[] }[];
  }
  await waitFor(
    async () => {
      const response = await fetch(`${baseUrl}/admin/consumer-groups`, {
        headers: benchAuth(),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 200) return undefined;
      const { groups } = (await response.json()) as { groups: Group[] };
      const group = groups.find((g) => g.groupId === 'scraper');
      if (!group || group.state !== 'Stable' || group.members.length !== replicas) return undefined;
      const held = group.members.flatMap(
        (m) => m.assignments.find((a) => a.topic === Topics.ScrapeRequested)?.partitions ?? [],
      );
      return new Set(held).size === 12 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: `${replicas} scraper replicas in one stable group` },
  );
}

/** Submits `jobs` scrape jobs (32 in flight) and returns their ids. */
async function submitJobs(baseUrl: string, siteUrl: string, jobs: number): Promise<string[]> {
  const agent = new Agent({ connections: 32 });
  const ids: string[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < jobs) {
          const n = next++;
          const response = await request(`${baseUrl}/jobs`, {
            method: 'POST',
            dispatcher: agent,
            headers: { 'content-type': 'application/json', ...benchAuth() },
            body: JSON.stringify({ type: 'scrape', input: { url: `${siteUrl}/page/${n}` } }),
          });
          const body = (await response.body.json()) as { id?: string };
          if (response.statusCode !== 202 || !body.id)
            throw new Error(`POST /jobs answered ${response.statusCode}`);
          ids.push(body.id);
        }
      }),
    );
  } finally {
    await agent.close();
  }
  return ids;
}

/** Submits `jobs` jobs and returns how long until all were projected SUCCEEDED. */
async function measure(
  system: BenchSystem,
  siteUrl: string,
  jobs: number,
): Promise<{ jobs: number; seconds: number }> {
  const started = performance.now();
  const ids = await submitJobs(system.baseUrl, siteUrl, jobs);
  const seen = await waitProjected(system.databaseUrl, ids, 180_000);
  const done = Math.max(...seen.values());
  return { jobs: ids.length, seconds: (done - started) / 1000 };
}

export async function runScalingBench(): Promise<void> {
  const jobs = Number(process.env.BENCH_SCALING_JOBS ?? 100);
  const latencyMs = Number(process.env.BENCH_SCALING_LATENCY_MS ?? 200);
  const log = (line: string): void => void process.stdout.write(`[bench] ${line}\n`);
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-bench-'));
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const site = await startDelayedSite(latencyMs);
  const runs: ScalingRun[] = [];
  const system = new BenchSystem();
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
      { ...WORKER_ENV, SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1' },
      ['gateway', 'projector'],
    );
    let running = 0;
    for (const replicas of REPLICA_COUNTS) {
      while (running < replicas) system.startReplica('scraper', (running += 1));
      await waitForGroup(system.baseUrl, replicas);
      log(`${replicas} scraper replica(s): ${jobs} jobs, pages answer after ${latencyMs} ms`);
      const result = await measure(system, site.url, jobs);
      const jobsPerSecond = result.jobs / result.seconds;
      const base = runs[0]?.jobsPerSecond ?? jobsPerSecond;
      runs.push({
        replicas,
        jobs: result.jobs,
        seconds: round(result.seconds, 2),
        jobsPerSecond: round(jobsPerSecond),
        perReplica: round(jobsPerSecond / replicas),
        speedup: round(jobsPerSecond / base, 2),
      });
      log(`  ${round(jobsPerSecond)} jobs/s end to end (${round(result.seconds, 2)} s)`);
    }
  } finally {
    await system.stop().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await site.close();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
  const results = {
    machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
    stage: 'scrape',
    siteLatencyMs: latencyMs,
    perReplica: { STAGE_CONCURRENCY: 1, STAGE_PARTITIONS_CONCURRENTLY: 1 },
    partitions: 12,
    runs,
  };
  const outDir = path.join(repoRoot(), 'bench-results');
  await fs.promises.mkdir(outDir, { recursive: true });
  await fs.promises.writeFile(path.join(outDir, 'scaling.json'), `${JSON.stringify(results, null, 2)}\n`);
  await fs.promises.writeFile(
    path.join(outDir, 'scaling.svg'),
    scalingChartSvg(runs, `scrape stage, ${latencyMs} ms pages: jobs/s vs replicas`),
  );
  const table = runs.map(
    (run) =>
      `  ${String(run.replicas).padStart(2)} replica(s): ${String(run.jobsPerSecond).padStart(7)} jobs/s  (x${run.speedup}, ${run.perReplica}/replica, ${run.jobs} jobs in ${run.seconds} s)`,
  );
  process.stdout.write(`== scrape stage throughput vs replicas\n${table.join('\n')}\n`);
  log(`wrote ${path.join(outDir, 'scaling.json')} and scaling.svg`);
}
