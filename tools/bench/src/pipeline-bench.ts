/*
 * `npm run bench -- pipeline`: drives the real stack (Kafka, PostgreSQL, gateway, scraper, projector as
 * processes) with a load generator on this machine and prints:
 *  - accepted POST /jobs per second and their latency percentiles,
 *  - end-to-end jobs/s (until projected) and p50/p95/p99 latency of each job (its row's finished_at - created_at),
 *  - the same at a fixed 200 jobs/s, POST /jobs latency at 500 req/s while the pipeline runs,
 *  - the overhead of tracing (throughput with spans exported to a real Jaeger vs the SDK disabled),
 *  - resident memory of each service.
 * Results go to bench-results/pipeline.json. Sizes: BENCH_JOBS (default 5000), BENCH_SECONDS (10),
 * BENCH_WARMUP_JOBS (2000: until the JIT compilers of Kafka and Node have settled; cold, they were about
 * 60% of Kafka's CPU in the first thousand jobs). BENCH_TRACING=off or =on runs that configuration only;
 * BENCH_CPU_PROFILE=1 profiles every service during the burst (BENCH_CPU_PROFILE_PHASE=steady: during the
 * 200 jobs/s phase instead) and prints where its self time went.
 * BENCH_KAFKA_BROKERS=3 runs a three-node Kafka cluster (topics replicated 3x, min ISR 2) instead of one broker.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  findFreePort,
  findFreePorts,
  JaegerServer,
  kafkaTopicDefaults,
  LocalStack,
  ProcessSupervisor,
  repoRoot,
  waitFor,
} from '@app/stack';
import { migrateDatabase, startService, waitForGatewayReady, type ServiceName } from '@app/launcher/services';
import { prepareKafka } from '@app/launcher/topics';
import { cpuSnapshot, cpuUsedBetween, threadCpuSnapshot, type CpuSnapshot } from './cpu-meter';
import { benchKafkaNodes } from './bench-kafka-nodes';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './cpu-profile-summary';
import { LoadGenerator, percentiles, round, type Percentiles } from './load-generator';
import { BENCH_ADMIN_KEY } from './bench-key';

const SERVICES: ServiceName[] = ['gateway', 'scraper', 'projector'];
const PAGE =
  '<!doctype html><html lang="en"><head><title>Bench page</title></head><body><h1>Hello</h1><a href="/a">a</a></body></html>';

export { round };

/** The environment that preloads the profiler into a service (see cpu-profile-preload.ts). */
export function profileEnv(file: string): Record<string, string> {
  return {
    BENCH_CPU_PROFILE: file,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'cpu-profile-preload.js')}`,
  };
}

const scrapeRequest = (siteUrl: string): string =>
  JSON.stringify({ type: 'scrape', input: { url: `${siteUrl}/page` } });

/** A set of running services on their own database and topic prefix. */
export class BenchSystem {
  readonly supervisor = new ProcessSupervisor({ output: null });
  baseUrl = '';
  databaseUrl = '';
  /** Every topic and consumer group of this system starts with it (systems share one broker). */
  topicPrefix = '';
  private env: NodeJS.ProcessEnv = {};
  private logFile = '';
  private readonly namedProcesses = new Map<number, string>();

  /** Where the services write CPU profiles (see `profile()`); none unless set before `start()`. */
  constructor(private readonly profileDir?: string) {}

  /**
   * Starts (first call) or stops and writes (second call) the V8 CPU profile of every service (needs a
   * `profileDir`); after the second call, returns each service's summary once its file is written.
   */
  async profile(stop: boolean): Promise<Record<string, ProfileSummary>> {
    const dir = this.profileDir;
    if (!dir) return {};
    const names = this.supervisor.names();
    for (const name of names) {
      const pid = this.supervisor.pid(name);
      if (pid) process.kill(pid, 'SIGWINCH');
    }
    if (!stop) return {};
    const out: Record<string, ProfileSummary> = {};
    for (const name of names) {
      const file = path.join(dir, `${name}.cpuprofile`);
      await waitFor(async () => ((await fileExists(file)) ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: `CPU profile ${file}`,
      });
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the writer finish the file
      out[name] = summarizeProfile(JSON.parse(await fs.promises.readFile(file, 'utf8')) as CpuProfile, 12);
    }
    return out;
  }

  async start(
    brokers: string,
    adminUrl: string,
    extraEnv: Record<string, string>,
    services: ServiceName[] = SERVICES,
    /** false: the services' own defaults for log level and pool size, as `npm start` runs them. */
    benchOverrides = true,
  ): Promise<void> {
    const suffix = randomBytes(4).toString('hex');
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE bench_${suffix}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/bench_${suffix}`;
    this.databaseUrl = url.toString();
    const port = await findFreePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.topicPrefix = `bench-${suffix}.`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Topics replicated as the stack's cluster allows (none of this for one broker).
      ...kafkaTopicDefaults(benchKafkaNodes()),
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      DATABASE_URL: this.databaseUrl,
      GATEWAY_PORT: String(port),
      OPS_PORT: '0',
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      EVENT_JOBS_ADMIN_KEY: BENCH_ADMIN_KEY,
      // Per-job info lines cost real CPU at thousands of jobs per second.
      ...(benchOverrides ? { LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20' } : {}),
      ...extraEnv,
    };
    await Promise.all([prepareKafka(env), migrateDatabase(env)]);
    this.env = env;
    this.logFile = path.join(os.tmpdir(), `event-jobs-bench-${suffix}.log`);
    for (const service of services) {
      // BENCH_CPU_PROFILE=1: every service gets the profiler preload and a profile file of its own.
      const profile = this.profileDir ? profileEnv(path.join(this.profileDir, `${service}.cpuprofile`)) : {};
      startService(this.supervisor, service, { ...env, ...profile }, undefined, this.logFile);
    }
    await waitForGatewayReady(this.baseUrl, 60_000);
  }

  /** Starts one more process of a worker service in its consumer group (named `scraper#<replica>`). */
  startReplica(service: ServiceName, replica: number): void {
    startService(this.supervisor, service, this.env, replica, this.logFile);
  }

  rssMb(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of this.supervisor.names()) {
      const pid = this.supervisor.pid(name);
      if (!pid) continue;
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        out[name] = round(kb / 1024);
      } catch {
        // process gone
      }
    }
    return out;
  }

  /**
   * Names a process for `cpu()` that is not below this one (pg_ctl daemonizes PostgreSQL's postmaster).
   */
  nameProcess(pid: number | undefined, role: string): void {
    if (pid) this.namedProcesses.set(pid, role);
  }

  /** CPU used so far by each role (services by name; kafka, postgres, jaeger; the bench process itself). */
  cpu(): CpuSnapshot {
    return cpuSnapshot(this.roles());
  }

  /** Kafka's CPU so far per thread kind (request handlers, network, GC, JIT...). */
  kafkaThreadsCpu(): CpuSnapshot {
    return threadCpuSnapshot(this.roles(), 'kafka');
  }

  /** pid -> role: the services by name, plus the processes named with nameProcess(). */
  roles(): Map<number, string> {
    const roles = new Map(this.namedProcesses);
    for (const name of this.supervisor.names()) {
      const pid = this.supervisor.pid(name);
      if (pid) roles.set(pid, name);
    }
    return roles;
  }

  async stop(): Promise<void> {
    await this.supervisor.stopAll(10_000);
  }
}

/** Polls the read model until every accepted job is SUCCEEDED; returns when each was first seen so. */
export async function waitProjected(
  databaseUrl: string,
  ids: string[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const seen = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  try {
    let remaining = ids;
    while (remaining.length > 0) {
      if (Date.now() > deadline)
        throw new Error(`${remaining.length} of ${ids.length} jobs not projected in time`);
      const result = await client.query<{ id: string; status: string }>(
        `SELECT id, status FROM jobs WHERE id = ANY($1::uuid[]) AND status IN ('SUCCEEDED','FAILED')`,
        [remaining],
      );
      const now = performance.now();
      for (const row of result.rows) seen.set(row.id, now);
      remaining = remaining.filter((id) => !seen.has(id));
      if (remaining.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const failed = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM jobs WHERE status = 'FAILED'`,
    );
    if (Number(failed.rows[0].n) > 0) throw new Error(`${failed.rows[0].n} jobs FAILED during the benchmark`);
    return seen;
  } finally {
    await client.end();
  }
}

/**
 * End-to-end latency of each job as its own row tells it (`finished_at - created_at`: acceptance to the
 * stage's outcome), as the shared load generator measures it; not when this process first saw the row.
 */
async function rowLatencies(databaseUrl: string, ids: string[]): Promise<number[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ ms: number }>(
      `SELECT extract(epoch FROM finished_at - created_at) * 1000 AS ms FROM jobs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return result.rows.map((row) => Number(row.ms));
  } finally {
    await client.end();
  }
}

interface PhaseResult {
  jobs: number;
  acceptedPerSecond?: number;
  postLatencyMs: Percentiles;
  endToEndJobsPerSecond: number;
  endToEndLatencyMs: Percentiles;
  rssMb: Record<string, number>;
  /** Where the time goes: CPU ms per accepted job, per process role, over the whole phase. */
  cpuMsPerJob: Record<string, number>;
  /** Share of the machine's CPU capacity (all cores) used over the phase. */
  cpuBusyPercent: number;
  /** Kafka's CPU ms per job by thread kind (its top consumers). */
  kafkaThreadsMsPerJob: Record<string, number>;
}

/** The biggest `count` entries, as ms per job. */
function topPerJob(used: Record<string, number>, jobs: number, count = 8): Record<string, number> {
  const top: Record<string, number> = {};
  for (const [name, ms] of Object.entries(used)
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)) {
    top[name] = round(ms / Math.max(1, jobs), 2);
  }
  return top;
}

function cpuPerJob(
  before: CpuSnapshot,
  after: CpuSnapshot,
  jobs: number,
  elapsedMs: number,
): Pick<PhaseResult, 'cpuMsPerJob' | 'cpuBusyPercent'> {
  const used = cpuUsedBetween(before, after);
  const total = Object.values(used).reduce((a, b) => a + b, 0);
  const cpuMsPerJob = topPerJob(used, jobs, Infinity);
  cpuMsPerJob.total = round(total / Math.max(1, jobs), 2);
  return { cpuMsPerJob, cpuBusyPercent: round((total / (elapsedMs * os.cpus().length)) * 100) };
}

async function throughputPhase(system: BenchSystem, siteUrl: string, jobs: number): Promise<PhaseResult> {
  const load = new LoadGenerator(system.baseUrl, scrapeRequest(siteUrl));
  const peakRss: Record<string, number> = {};
  const sampler = setInterval(() => {
    const now = system.rssMb();
    for (const [name, mb] of Object.entries(now)) peakRss[name] = Math.max(peakRss[name] ?? 0, mb);
  }, 250);
  const cpuBefore = system.cpu();
  const kafkaBefore = system.kafkaThreadsCpu();
  const started = performance.now();
  const projected = waitProjectedWhileSubmitting(system, load, jobs);
  try {
    const elapsed = await load.burst(jobs, 64);
    const seen = await projected;
    const done = Math.max(...seen.values());
    const latencies = await rowLatencies(system.databaseUrl, [...load.accepted.keys()]);
    return {
      jobs: load.accepted.size,
      acceptedPerSecond: round((load.accepted.size * 1000) / elapsed),
      postLatencyMs: percentiles(load.postLatencies),
      endToEndJobsPerSecond: round((load.accepted.size * 1000) / (done - started)),
      endToEndLatencyMs: percentiles(latencies),
      rssMb: peakRss,
      ...cpuPerJob(cpuBefore, system.cpu(), load.accepted.size, done - started),
      kafkaThreadsMsPerJob: topPerJob(
        cpuUsedBetween(kafkaBefore, system.kafkaThreadsCpu()),
        load.accepted.size,
      ),
    };
  } finally {
    clearInterval(sampler);
    await load.close();
  }
}

/** Waits until the burst finished submitting, then until every accepted job is projected. */
async function waitProjectedWhileSubmitting(
  system: BenchSystem,
  load: LoadGenerator,
  jobs: number,
): Promise<Map<string, number>> {
  while (load.accepted.size + load.failures < jobs) await new Promise((resolve) => setTimeout(resolve, 50));
  return waitProjected(system.databaseUrl, [...load.accepted.keys()], 300_000);
}

async function steadyPhase(
  system: BenchSystem,
  siteUrl: string,
  rate: number,
  seconds: number,
): Promise<PhaseResult> {
  const load = new LoadGenerator(system.baseUrl, scrapeRequest(siteUrl));
  const cpuBefore = system.cpu();
  const kafkaBefore = system.kafkaThreadsCpu();
  const started = performance.now();
  try {
    await load.steady(rate, seconds);
    const seen = await waitProjected(system.databaseUrl, [...load.accepted.keys()], 300_000);
    const done = Math.max(...seen.values());
    const latencies = await rowLatencies(system.databaseUrl, [...load.accepted.keys()]);
    return {
      jobs: load.accepted.size,
      postLatencyMs: percentiles(load.postLatencies),
      endToEndJobsPerSecond: round((load.accepted.size * 1000) / (done - started)),
      endToEndLatencyMs: percentiles(latencies),
      rssMb: system.rssMb(),
      ...cpuPerJob(cpuBefore, system.cpu(), load.accepted.size, done - started),
      kafkaThreadsMsPerJob: topPerJob(
        cpuUsedBetween(kafkaBefore, system.kafkaThreadsCpu()),
        load.accepted.size,
      ),
    };
  } finally {
    await load.close();
  }
}

async function startSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function runPipelineBench(): Promise<void> {
  const jobs = Number(process.env.BENCH_JOBS ?? 5000);
  const warmupJobs = Number(process.env.BENCH_WARMUP_JOBS ?? 2000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const kafkaBrokers = benchKafkaNodes();
  const profiledPhase = process.env.BENCH_CPU_PROFILE_PHASE ?? 'burst';
  if (profiledPhase !== 'burst' && profiledPhase !== 'steady') {
    throw new Error(`BENCH_CPU_PROFILE_PHASE=${profiledPhase} is not burst or steady`);
  }
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-bench-'));
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const site = await startSite();
  const [otlpGrpcPort, otlpHttpPort, queryPort, queryGrpcPort] = await findFreePorts(4);
  const jaeger = new JaegerServer({
    dataDir: path.join(dataDir, 'jaeger'),
    otlpGrpcPort,
    otlpHttpPort,
    queryPort,
    queryGrpcPort,
  });
  const log = (line: string): void => void process.stdout.write(`[bench] ${line}\n`);
  const results: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
    jobs,
    warmupJobs,
    seconds,
    kafkaBrokers,
  };
  try {
    const endpoints = await stack.start({ dataDir, freePorts: true, fast: true, kafkaBrokers });
    // BENCH_TRACING=off|on runs one configuration only (a quick profile); default: both, to compare.
    const only = process.env.BENCH_TRACING;
    if (only !== 'off') await jaeger.start();
    const configurations = (
      [
        ['tracing off', { OTEL_SDK_DISABLED: 'true' }],
        ['tracing on (exported to Jaeger)', { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpEndpoint }],
      ] satisfies [string, Record<string, string>][]
    ).filter(([name]) => !only || name.startsWith(`tracing ${only}`));
    for (const [name, env] of configurations) {
      const system = new BenchSystem(
        process.env.BENCH_CPU_PROFILE === '1'
          ? await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-profiles-'))
          : undefined,
      );
      system.nameProcess(stack.postgres?.pid, 'postgres');
      await system.start(endpoints.kafkaBrokers, endpoints.databaseUrl, env);
      try {
        log(`${name}: warm-up, ${warmupJobs} jobs`);
        await throughputPhase(system, site.url, warmupJobs);
        log(`${name}: ${jobs} jobs as fast as possible (64 in flight)`);
        if (profiledPhase === 'burst') await system.profile(false);
        const burst = await throughputPhase(system, site.url, jobs);
        if (profiledPhase === 'burst') printProfiles(await system.profile(true));
        log(`${name}: 200 jobs/s for ${seconds} s`);
        if (profiledPhase === 'steady') await system.profile(false);
        const at200 = await steadyPhase(system, site.url, 200, seconds);
        if (profiledPhase === 'steady') printProfiles(await system.profile(true));
        log(`${name}: 500 req/s for ${seconds} s`);
        const at500 = await steadyPhase(system, site.url, 500, seconds);
        results[name] = { burst, at200, at500 };
        printPhase(name, burst, at200, at500);
      } finally {
        await system.stop();
      }
    }
    if (configurations.length === 2) {
      const off = (results['tracing off'] as { burst: PhaseResult }).burst.endToEndJobsPerSecond;
      const on = (results['tracing on (exported to Jaeger)'] as { burst: PhaseResult }).burst
        .endToEndJobsPerSecond;
      results.tracingOverheadPercent = round(((off - on) / off) * 100);
      log(
        `tracing overhead on end-to-end throughput: ${results.tracingOverheadPercent as number}% (${off} -> ${on} jobs/s)`,
      );
    }
    const outDir = path.join(repoRoot(), 'bench-results');
    await fs.promises.mkdir(outDir, { recursive: true });
    await fs.promises.writeFile(path.join(outDir, 'pipeline.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${path.join(outDir, 'pipeline.json')}`);
  } finally {
    await jaeger.stop().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await site.close();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
}

const cpuLine = (perJob: Record<string, number>): string =>
  Object.entries(perJob)
    .map(([role, ms]) => `${role} ${ms}`)
    .join(', ');

function printPhase(name: string, burst: PhaseResult, at200: PhaseResult, at500: PhaseResult): void {
  const p = (x: Percentiles): string => `p50 ${x.p50} / p95 ${x.p95} / p99 ${x.p99} ms`;
  const lines = [
    `== ${name}`,
    `burst of ${burst.jobs}: accepted ${burst.acceptedPerSecond ?? '?'} req/s, POST ${p(burst.postLatencyMs)}`,
    `  end to end ${burst.endToEndJobsPerSecond} jobs/s, latency ${p(burst.endToEndLatencyMs)}`,
    `at 200 jobs/s: end to end ${p(at200.endToEndLatencyMs)}, POST ${p(at200.postLatencyMs)}`,
    `at 500 req/s: POST ${p(at500.postLatencyMs)}; end to end ${at500.endToEndJobsPerSecond} jobs/s, ${p(at500.endToEndLatencyMs)}`,
    `peak RSS (MB): ${Object.entries(burst.rssMb)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} = ${round(Object.values(burst.rssMb).reduce((a, b) => a + b, 0))} total`,
    `CPU ms per job in the burst (machine ${burst.cpuBusyPercent}% busy): ${cpuLine(burst.cpuMsPerJob)}`,
    `  of which Kafka by thread kind: ${cpuLine(burst.kafkaThreadsMsPerJob)}`,
    `CPU ms per job at 200 jobs/s (machine ${at200.cpuBusyPercent}% busy): ${cpuLine(at200.cpuMsPerJob)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printProfiles(profiles: Record<string, ProfileSummary>): void {
  for (const [service, profile] of Object.entries(profiles)) {
    const groups = Object.entries(profile.groups)
      .map(([group, percent]) => `${group} ${percent}%`)
      .join(', ');
    const top = profile.topFunctions.map((f) => `${f.name} ${f.percent}%`).join('; ');
    process.stdout.write(`[profile] ${service}: ${groups}\n[profile]   top: ${top}\n`);
  }
}

const fileExists = (file: string): Promise<boolean> =>
  fs.promises.access(file).then(
    () => true,
    () => false,
  );
