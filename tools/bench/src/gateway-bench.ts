/*
 * `npm run bench -- gateway`: POST /jobs alone against a real gateway (Kafka and PostgreSQL started as the
 * pipeline bench does; no stage services unless BENCH_GATEWAY_PIPELINE=1). Prints and writes to
 * bench-results/gateway.json:
 *  - a burst (64 in flight): accepted req/s at saturation, POST latency, gateway CPU µs per request,
 *    PostgreSQL transactions per request;
 *  - a fixed rate (BENCH_RATE req/s, default 500, for BENCH_SECONDS, default 10): POST p50/p95/p99;
 *  - with BENCH_CPU_PROFILE=1, the gateway's self time during the burst by group and top functions
 *    (the raw profile is kept as bench-results/gateway.cpuprofile for Chrome DevTools);
 *  - tracing is off unless BENCH_TRACING=1 (spans made, not exported).
 * The load generator sends a member key (BENCH_KEY_ROLE=admin: the admin key, which skips the tenant's
 * rate limit; the member's tenant gets a rate far over the load, so it is counted but never refuses).
 * Sizes: BENCH_REQUESTS (default 5000). The load average is recorded: other work on the machine
 * skews every number here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { LocalStack, repoRoot } from '@app/stack';
import { LoadGenerator, percentiles, round, type Percentiles } from './load-generator';
import { BenchSystem, profileEnv } from './pipeline-bench';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './cpu-profile-summary';
import { benchKafkaNodes } from './bench-kafka-nodes';
import { BENCH_ADMIN_KEY, benchAuth } from './bench-key';

interface PhaseResult {
  requests: number;
  accepted: number;
  rejected: number;
  acceptedPerSecond: number;
  postLatencyMs: Percentiles;
  cpuMicrosPerRequest: number;
  postgresTransactionsPerRequest: number;
  loadavg: number[];
}

async function committedTransactions(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The statistics collector publishes at most every ~0.5 s: drop the snapshot so we read fresh counters.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const result = await client.query<{ n: string }>(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(result.rows[0].n);
  } finally {
    await client.end();
  }
}

async function measure(
  system: BenchSystem,
  run: (load: LoadGenerator) => Promise<unknown>,
  body: string,
  key: string,
): Promise<PhaseResult> {
  const load = new LoadGenerator(system.baseUrl, body, key);
  const gatewayCpuMs = (): number => system.cpu().get('gateway') ?? 0;
  const transactionsBefore = await committedTransactions(system.databaseUrl);
  const cpuBefore = gatewayCpuMs();
  const started = performance.now();
  try {
    await run(load);
  } finally {
    await load.close();
  }
  const elapsed = performance.now() - started;
  const cpuMs = gatewayCpuMs() - cpuBefore;
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the statistics collector catch up
  const transactions = (await committedTransactions(system.databaseUrl)) - transactionsBefore;
  const accepted = load.accepted.size;
  const requests = accepted + load.failures;
  return {
    requests,
    accepted,
    rejected: load.failures,
    acceptedPerSecond: round((accepted * 1000) / elapsed),
    postLatencyMs: percentiles(load.postLatencies),
    cpuMicrosPerRequest: Math.round((cpuMs * 1000) / requests),
    // Includes the admission sampler's and the gateway's other background queries (few per second).
    postgresTransactionsPerRequest: round(transactions / requests, 2),
    loadavg: os.loadavg().map((x) => round(x, 2)),
  };
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file) || fs.statSync(file).size === 0) {
    if (Date.now() > deadline) throw new Error(`no CPU profile written to ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runGatewayBench(): Promise<void> {
  const requests = Number(process.env.BENCH_REQUESTS ?? 5000);
  const rate = Number(process.env.BENCH_RATE ?? 500);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const profile = process.env.BENCH_CPU_PROFILE === '1';
  const withPipeline = process.env.BENCH_GATEWAY_PIPELINE === '1';
  const outDir = path.join(repoRoot(), 'bench-results');
  await fs.promises.mkdir(outDir, { recursive: true });
  const profileFile = path.join(outDir, 'gateway.cpuprofile');
  await fs.promises.rm(profileFile, { force: true });
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-gateway-bench-'));
  await fs.promises.chmod(dataDir, 0o755);
  const log = (line: string): void => void process.stdout.write(`[bench] ${line}\n`);
  const stack = new LocalStack();
  const system = new BenchSystem();
  // The stage services are not running (unless asked): the backlog only grows, so no admission limit.
  const env: Record<string, string> = { ADMISSION_MAX_LAG_SCRAPE: '0', TENANT_RATE_PER_SECOND: '1000000' };
  // BENCH_TRACING=1: the OpenTelemetry SDK makes spans (not exported: no endpoint), as in production.
  if (process.env.BENCH_TRACING !== '1') env.OTEL_SDK_DISABLED = 'true';
  if (profile) Object.assign(env, profileEnv(profileFile));
  // The URL is never fetched unless the pipeline runs; then it fails fast (nothing listens there).
  const body = JSON.stringify({ type: 'scrape', input: { url: 'http://127.0.0.1:9/page' } });
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
      env,
      withPipeline ? ['gateway', 'scraper', 'projector'] : ['gateway'],
    );
    const pid = system.supervisor.pid('gateway');
    if (!pid) throw new Error('the gateway is not running');
    const key = await benchKey(system.baseUrl, process.env.BENCH_KEY_ROLE === 'admin' ? 'admin' : 'member');
    log(`warm-up: ${Math.min(1000, requests)} requests`);
    await measure(system, (load) => load.burst(Math.min(1000, requests), 64), body, key);
    if (profile) process.kill(pid, 'SIGWINCH');
    log(`burst: ${requests} requests, 64 in flight`);
    const burst = await measure(system, (load) => load.burst(requests, 64), body, key);
    let cpuProfile: ProfileSummary | undefined;
    if (profile) {
      process.kill(pid, 'SIGWINCH');
      await waitForFile(profileFile, 30_000);
      cpuProfile = summarizeProfile(
        JSON.parse(await fs.promises.readFile(profileFile, 'utf8')) as CpuProfile,
      );
    }
    log(`fixed rate: ${rate} req/s for ${seconds} s`);
    const steady = await measure(system, (load) => load.steady(rate, seconds), body, key);
    const results = { machine: { cpus: os.cpus().length }, withPipeline, burst, steady, cpuProfile };
    await fs.promises.writeFile(path.join(outDir, 'gateway.json'), `${JSON.stringify(results, null, 2)}\n`);
    print(burst, steady, rate, cpuProfile);
    log(`wrote ${path.join(outDir, 'gateway.json')}`);
  } finally {
    await system.stop().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
}

function print(burst: PhaseResult, steady: PhaseResult, rate: number, profile?: ProfileSummary): void {
  const p = (x: Percentiles): string => `p50 ${x.p50} / p95 ${x.p95} / p99 ${x.p99} / max ${x.max} ms`;
  const lines = [
    `burst of ${burst.requests}: accepted ${burst.acceptedPerSecond} req/s (${burst.rejected} rejected), POST ${p(burst.postLatencyMs)}`,
    `  gateway CPU ${burst.cpuMicrosPerRequest} µs/request, ${burst.postgresTransactionsPerRequest} PostgreSQL transactions/request, load avg ${burst.loadavg.join(' ')}`,
    `at ${rate} req/s: POST ${p(steady.postLatencyMs)} (${steady.rejected} rejected)`,
    `  gateway CPU ${steady.cpuMicrosPerRequest} µs/request, load avg ${steady.loadavg.join(' ')}`,
  ];
  if (profile) {
    lines.push('gateway self time during the burst, by group (%):');
    for (const [group, percent] of Object.entries(profile.groups))
      lines.push(`  ${String(percent).padStart(5)}  ${group}`);
    lines.push('top functions by self time (%):');
    for (const f of profile.topFunctions) lines.push(`  ${String(f.percent).padStart(5)}  ${f.name}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The key the load generator sends: the admin key, or a new member key of tenant `bench`. */
async function benchKey(baseUrl: string, role: 'admin' | 'member'): Promise<string> {
  if (role === 'admin') return BENCH_ADMIN_KEY;
  const response = await fetch(`${baseUrl}/admin/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...benchAuth() },
    body: JSON.stringify({ tenant: 'bench', role: 'member' }),
  });
  if (response.status !== 201) throw new Error(`POST /admin/keys answered ${response.status}`);
  return ((await response.json()) as { key: string }).key;
}
