/*
 * `npm run bench -- compare` (issue 11): the Celery baseline and the platform, each alone on the
 * machine (baseline first, stopped, then the platform), driven through the same phases by the
 * shared load generator (the baseline's loadgen.mjs, unchanged), against the same page server
 * (its page-server.mjs). CPU per job per process from /proc, resident memory under load, one
 * side-by-side table with the ratio per row and the issue's budgets. Writes bench-results/compare.json.
 *
 *   npm run bench -- compare [--only baseline|platform] [--phases warmup,burst,steady,rate500,io]
 *                            [--tracing-off-phases warmup,burst,steady|none]
 *   BENCH_COMPARE_SCALE=0.2 npm run bench -- compare      every phase 5x smaller, for a quick check
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  findFreePort,
  LocalStack,
  ManagedProcess,
  type LocalStackEndpoints,
  repoRoot,
  stopOnSignals,
  waitFor,
  runCommand,
} from '@app/stack';
import { ALL_SERVICES, type ServiceName } from '@app/launcher/services';
import { cpuSnapshot, cpuUsedBetween, machineBusyMs, rssMbByRole } from '../cpu-meter';
import { BenchSystem } from '../pipeline-bench';
import { BASELINE_API, baselineSource, CeleryBaseline } from './celery-baseline';
import { measureKafkaCeiling, renderCeiling, type KafkaCeiling } from './kafka-ceiling';
import { benchKafkaNodes } from '../bench-kafka-nodes';
import {
  budgetSummary,
  buildRows,
  CompareArgumentError,
  parseCompareArgs,
  renderComparisonTable,
  renderCpuBreakdown,
  STACK_TITLES,
  type CompareOptions,
  type LoadgenResult,
  type PhaseMeasurement,
  type PhaseSpec,
  type StackName,
  type StackRun,
} from './compare-report';
import { BENCH_ADMIN_KEY } from '../bench-key';

const log = (line: string): void => void process.stdout.write(`[compare] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
/** The platform's topics' partition count (KAFKA_TOPIC_PARTITIONS' default), for the ceiling's test topic. */
const CEILING_PARTITIONS = 12;

/** What a phase needs from the stack under test. */
interface StackUnderTest {
  name: StackName;
  baseUrl: string;
  services: string[];
  /** pid -> role of every process of the stack (services, brokers, databases, page server). */
  roles: () => Map<number, string>;
  checkpoint: () => Promise<void>;
}

/** The baseline's page-server.mjs, on :18080 when free (so up.sh's probe uses it too). */
async function startPageServer(script: string): Promise<{ process: ManagedProcess; url: string }> {
  const port = await findFreePort(18080);
  const managed = new ManagedProcess({
    name: 'page-server',
    command: process.execPath,
    args: [script, String(port)],
  });
  managed.start();
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () =>
      (await fetch(`${url}/basic.html`, { signal: AbortSignal.timeout(1000) })).ok ? true : undefined,
    { timeoutMs: 10_000, intervalMs: 100, what: `page server on ${url}` },
  );
  return { process: managed, url };
}

async function runLoadgen(
  script: string,
  stack: StackUnderTest,
  phase: PhaseSpec,
  pageUrl: string,
  outDir: string,
): Promise<LoadgenResult> {
  const json = path.join(outDir, `${stack.name}-${phase.name}.json`);
  fs.rmSync(json, { force: true });
  const target = phase.slowMs ? `${pageUrl}/slow?ms=${phase.slowMs}` : `${pageUrl}/basic.html`;
  const args = [
    script,
    '--base',
    stack.baseUrl,
    '--jobs',
    String(phase.jobs),
    '--rate',
    String(phase.rate),
    '--url',
    target,
    '--label',
    `${STACK_TITLES[stack.name]}: ${phase.label}`,
    '--json',
    json,
    '--quiet',
    // The platform's gateways need a key (the loadgen sends it as a Bearer token; Celery ignores it).
    ...(stack.name === 'baseline' ? [] : ['--api-key', BENCH_ADMIN_KEY]),
  ];
  const result = await runCommand(process.execPath, args, { check: false, timeoutMs: 20 * 60_000 });
  for (const line of result.stdout.trim().split('\n')) log(`  ${line}`);
  if (!fs.existsSync(json)) {
    throw new Error(`loadgen wrote no result (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return JSON.parse(fs.readFileSync(json, 'utf8')) as LoadgenResult;
}

async function measurePhase(
  stack: StackUnderTest,
  phase: PhaseSpec,
  loadgenScript: string,
  pageUrl: string,
  outDir: string,
): Promise<PhaseMeasurement> {
  await stack.checkpoint();
  await sleep(2000);
  log(`${STACK_TITLES[stack.name]}: ${phase.label} (${phase.jobs} jobs, rate ${phase.rate || 'max'})`);
  const peakRssMb: Record<string, number> = {};
  let peakServicesRssMb = 0;
  const sample = (): void => {
    const rss = rssMbByRole(stack.roles());
    for (const [role, mb] of Object.entries(rss))
      peakRssMb[role] = Math.max(peakRssMb[role] ?? 0, Math.round(mb));
    const services = stack.services.reduce((sum, role) => sum + (rss[role] ?? 0), 0);
    peakServicesRssMb = Math.max(peakServicesRssMb, Math.round(services));
  };
  const startedAt = new Date().toISOString();
  const loadAverageStart = os.loadavg();
  const cpuBefore = cpuSnapshot(stack.roles());
  const busyBefore = machineBusyMs();
  const sampler = setInterval(sample, 500);
  let result: LoadgenResult;
  try {
    result = await runLoadgen(loadgenScript, stack, phase, pageUrl, outDir);
  } finally {
    clearInterval(sampler);
  }
  const used = cpuUsedBetween(cpuBefore, cpuSnapshot(stack.roles()));
  const machine = machineBusyMs() - busyBefore;
  const loadAverageEnd = os.loadavg();
  sample();
  used.loadgen = result.loadgenCpuMs;
  const jobs = Math.max(1, result.succeeded + result.failed);
  const cpuMsPerJob: Record<string, number> = {};
  for (const [role, ms] of Object.entries(used)) cpuMsPerJob[role] = round3(ms / jobs);
  const stackCpuMsPerJob = round3(Object.values(used).reduce((a, b) => a + b, 0) / jobs);
  if (result.failed || result.unfinished || result.rejected) {
    log(`  warning: ${result.failed} failed, ${result.unfinished} unfinished, ${result.rejected} rejected`);
  }
  return {
    phase: phase.name,
    label: phase.label,
    startedAt,
    loadgen: result,
    cpuMsPerJob,
    stackCpuMsPerJob,
    machineCpuMsPerJob: round3(machine / jobs),
    loadAverageStart,
    loadAverageEnd,
    peakRssMb,
    peakServicesRssMb,
  };
}

async function runPhases(
  stack: StackUnderTest,
  phases: PhaseSpec[],
  loadgenScript: string,
  pageUrl: string,
  outDir: string,
): Promise<StackRun> {
  const run: StackRun = { stack: stack.name, services: stack.services, phases: {} };
  for (const phase of phases) {
    const measured = await measurePhase(stack, phase, loadgenScript, pageUrl, outDir);
    if (phase.reported) run.phases[phase.name] = measured;
  }
  return run;
}

async function checkpoint(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/**
 * LocalStack on free ports; tried up to 3 times, since a free port may be taken by someone else
 * between the probe and the bind on a shared machine.
 */
async function startStack(stack: LocalStack, dataDir: string, jaeger: boolean): Promise<LocalStackEndpoints> {
  for (let attempt = 1; ; attempt += 1) {
    const folder = path.join(dataDir, `stack-${attempt}`);
    try {
      return await stack.start({
        dataDir: folder,
        freePorts: true,
        jaeger,
        log,
        kafkaBrokers: benchKafkaNodes(),
      });
    } catch (error: unknown) {
      if (attempt >= 3 || !/already in use|Address already in use/i.test(String(error))) throw error;
      log(`stack start failed on a port taken meanwhile; retrying (${attempt}/3)`);
    }
  }
}

/** The services `npm start` runs (all five), or BENCH_COMPARE_SERVICES=gateway,scraper,projector. */
function platformServices(): ServiceName[] {
  const list = process.env.BENCH_COMPARE_SERVICES;
  if (!list) return [...ALL_SERVICES];
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(ALL_SERVICES as string[]).includes(name)) throw new CompareArgumentError(`unknown service ${name}`);
  }
  return names as ServiceName[];
}

export async function runCompareBench(argv: string[] = []): Promise<void> {
  const options: CompareOptions = parseCompareArgs(argv, process.env);
  const settings = [
    ...(options.scale !== 1 ? [`BENCH_COMPARE_SCALE=${options.scale}`] : []),
    ...(benchKafkaNodes() !== 1 ? [`BENCH_KAFKA_BROKERS=${benchKafkaNodes()}`] : []),
  ];
  const command = `${settings.map((setting) => `${setting} `).join('')}npm run bench -- compare${argv.length ? ` ${argv.join(' ')}` : ''}`;
  const startedAt = new Date();
  const outDir = path.join(repoRoot(), 'bench-results', 'compare');
  fs.mkdirSync(outDir, { recursive: true });
  const baseline = new CeleryBaseline(baselineSource(repoRoot()), log);
  const runs: Partial<Record<StackName, StackRun>> = {};
  let ceiling: KafkaCeiling | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    while (cleanups.length)
      await cleanups.pop()!().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  const removeSignalHandlers = stopOnSignals(cleanup, log);
  try {
    await baseline.prepare();
    const page = await startPageServer(baseline.pageServerScript);
    cleanups.push(() => page.process.stop(5000).then(() => undefined));
    log(`page server ${page.url} (pid ${page.process.pid}); baseline copy ${baseline.dir}`);
    const pageRole = (roles: Map<number, string>): Map<number, string> => {
      if (page.process.pid) roles.set(page.process.pid, 'page-server');
      return roles;
    };

    if (options.only !== 'platform') {
      cleanups.push(() => baseline.stopIfStarted());
      await baseline.up();
      await baseline.reset();
      runs.baseline = await runPhases(
        {
          name: 'baseline',
          baseUrl: BASELINE_API,
          services: baseline.services,
          roles: () => pageRole(baseline.roles()),
          checkpoint: () => baseline.checkpoint(),
        },
        options.phases,
        baseline.loadgenScript,
        page.url,
        outDir,
      );
      log('stopping the baseline (./down.sh)');
      await baseline.down();
    }

    if (options.only !== 'baseline') {
      const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-compare-'));
      await fs.promises.chmod(dataDir, 0o755);
      cleanups.push(() => fs.promises.rm(dataDir, { recursive: true, force: true }));
      const stack = new LocalStack();
      cleanups.push(() => stack.stop());
      // Jaeger runs as in npm start whenever the traced run does (also idle during the tracing-off run).
      const jaeger = options.phases.length > 0;
      log(`starting Kafka, PostgreSQL${jaeger ? ' and Jaeger' : ''} (as npm start does, on free ports)`);
      const endpoints = await startStack(stack, dataDir, jaeger);
      const services = platformServices();
      let platformTopicPrefix: string | undefined;
      const configurations: [StackName, Record<string, string>, PhaseSpec[]][] = [
        ['platform', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.otlpEndpoint ?? '' }, options.phases],
        ['platformTracingOff', { OTEL_SDK_DISABLED: 'true' }, options.tracingOffPhases],
      ];
      for (const [name, env, phases] of configurations) {
        if (phases.length === 0) continue;
        const system = new BenchSystem();
        const stopSystem = (): Promise<void> => system.stop();
        cleanups.push(stopSystem);
        system.nameProcess(stack.postgres?.pid, 'postgres');
        log(`${STACK_TITLES[name]}: starting ${services.join(', ')}`);
        await system.start(
          endpoints.kafkaBrokers,
          endpoints.databaseUrl,
          { ...env, BLOB_DIR: path.join(dataDir, 'blobs') },
          services,
          false,
        );
        runs[name] = await runPhases(
          {
            name,
            baseUrl: system.baseUrl,
            services: [...services],
            roles: () => pageRole(system.roles()),
            checkpoint: () => checkpoint(endpoints.databaseUrl),
          },
          phases,
          baseline.loadgenScript,
          page.url,
          outDir,
        );
        if (name === 'platform') platformTopicPrefix = system.topicPrefix;
        cleanups.splice(cleanups.indexOf(stopSystem), 1);
        await system.stop();
      }
      if (options.ceiling) {
        ceiling = await measureKafkaCeiling(
          {
            bootstrapServers: endpoints.kafkaBrokers,
            brokerPid: stack.kafka?.pid,
            topicPrefix: platformTopicPrefix ?? '',
            partitions: CEILING_PARTITIONS,
            log,
          },
          { records: Math.max(10_000, Math.round(200_000 * options.scale)) },
        );
      }
    }
  } finally {
    await cleanup();
    removeSignalHandlers();
  }
  report(runs, ceiling, command, startedAt, options);
}

function report(
  runs: Partial<Record<StackName, StackRun>>,
  ceiling: KafkaCeiling | undefined,
  command: string,
  startedAt: Date,
  options: CompareOptions,
): void {
  const rows = buildRows(runs);
  const cpus = os.cpus();
  const header = [
    `date ${startedAt.toISOString()} to ${new Date().toISOString()}; ${cpus.length} cores (${cpus[0]?.model ?? '?'}); load average now ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    `command: ${command}`,
    ...(options.scale !== 1
      ? [
          `BENCH_COMPARE_SCALE=${options.scale}: jobs per phase ${[
            ...options.phases,
            ...options.tracingOffPhases,
          ]
            .filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i)
            .map((p) => `${p.name} ${p.jobs}`)
            .join(', ')} (labels name the full size)`,
        ]
      : []),
    'e2e = finishedAt - createdAt of each job (from the job itself); jobs/s = jobs / (last finishedAt - first POST);',
    'CPU ms/job, all processes = the stack (services, brokers, databases, Jaeger), the page server, the load generator.',
  ];
  const sections = [
    ...header,
    '',
    renderComparisonTable(rows),
    budgetSummary(rows),
    ...(Object.keys(runs) as StackName[]).flatMap((name) => [
      '',
      `CPU ms per job by process, ${STACK_TITLES[name]} (all = sum; machine = the whole box's busy CPU per job, other people's work included):`,
      renderCpuBreakdown(runs[name]!),
    ]),
    ...(ceiling ? ['', renderCeiling(ceiling, runs.platform)] : []),
  ];
  process.stdout.write(`\n${sections.join('\n')}\n`);
  const file = path.join(repoRoot(), 'bench-results', 'compare.json');
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command,
        machine: { cores: cpus.length, cpu: cpus[0]?.model, node: process.version },
        rows,
        runs,
        ceiling,
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${file} (raw loadgen JSON per phase in bench-results/compare/)`);
}
