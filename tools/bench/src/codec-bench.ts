/*
 * Event codec benchmark (in-process, no Kafka): µs per decodeEvent / encodeEvent / validateEvent of
 * every event type, and per validatePlain of request DTOs, with class-transformer + class-validator
 * only ("before") and with the compiled fast path ("after"); JSON.parse of the same bytes for scale.
 * Prints a table and writes bench-results/codec.json.
 *
 * Times are CPU time of this process (user + system) per call, the best of several interleaved rounds:
 * on a loaded machine wall time mostly measures the other processes. CODEC_BENCH_ROUNDS (default 7).
 */
import {
  decodeEvent,
  encodeEvent,
  RiskInputDto,
  ScrapeInputDto,
  setFastValidation,
  validateEvent,
  validatePlain,
  type JobEvent,
  type JobRequested,
} from '@app/contracts';
import { oneOfEachType, scrapeResult, stageCompleted, riskInputs } from '@app/contracts/testing';
import { benchEnvironment, writeBenchReport } from './bench-report';
import { cpuMicrosPerCall } from './timing';

const TARGET_SPEEDUP = 10;

interface Timing {
  subject: string;
  operation: string;
  beforeMicros: number;
  afterMicros: number;
  speedup: number;
}

interface CodecBenchReport {
  generatedAt: string;
  environment: Record<string, string | number>;
  method: string;
  jsonParseMicros: Record<string, number>;
  timings: Timing[];
  slowestSpeedup: { validateEvent: number; decodeEvent: number; encodeEvent: number };
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Calls that take roughly `targetMicros` of CPU, so fast and slow paths get comparable samples. */
function callsFor(run: () => unknown, targetMicros: number): number {
  const probe = Math.max(cpuMicrosPerCall(run, 20), 0.05);
  return Math.max(20, Math.min(200_000, Math.round(targetMicros / probe)));
}

/** Best-of-rounds CPU µs per call, before (fast path off) and after, rounds interleaved. */
function compare(run: () => unknown, rounds: number): { before: number; after: number } {
  const best = { before: Infinity, after: Infinity };
  const calls = { before: 0, after: 0 };
  for (const side of ['before', 'after'] as const) {
    setFastValidation(side === 'after');
    cpuMicrosPerCall(run, 200); // warm-up
    calls[side] = callsFor(run, 100_000);
  }
  for (let round = 0; round < rounds; round++) {
    for (const side of ['before', 'after'] as const) {
      setFastValidation(side === 'after');
      best[side] = Math.min(best[side], cpuMicrosPerCall(run, calls[side]));
    }
  }
  setFastValidation(true);
  return best;
}

function subjects(): [string, JobEvent][] {
  const all = oneOfEachType();
  const bigResult = scrapeResult({
    h1: ['Heading one', 'Heading two'],
    links: Array.from({ length: 100 }, (_, i) => `https://example.com/articles/${i}`),
    description: 'A page with a hundred links',
  });
  return [
    ...Object.entries<JobEvent>(all),
    ['StageCompleted (100 links)', stageCompleted(all.JobRequested as JobRequested, 1, undefined, bigResult)],
  ];
}

export async function runCodecBench(): Promise<CodecBenchReport> {
  const rounds = envInt('CODEC_BENCH_ROUNDS', 7);
  const timings: Timing[] = [];
  const jsonParseMicros: Record<string, number> = {};
  const add = (subject: string, operation: string, run: () => unknown): void => {
    const { before, after } = compare(run, rounds);
    timings.push({ subject, operation, beforeMicros: before, afterMicros: after, speedup: before / after });
  };

  for (const [name, event] of subjects()) {
    const bytes = encodeEvent(event);
    if (!decodeEvent(bytes).ok) throw new Error(`fixture ${name} does not decode`);
    const text = bytes.toString('utf8');
    const parse = (): unknown => JSON.parse(text);
    jsonParseMicros[name] = cpuMicrosPerCall(parse, callsFor(parse, 100_000));
    add(name, 'validateEvent', () => validateEvent(event));
    add(name, 'decodeEvent', () => decodeEvent(bytes));
    add(name, 'encodeEvent', () => encodeEvent(event));
  }
  const scrapeInput = { url: 'https://example.com/page' };
  add('ScrapeInputDto', 'validatePlain', () => validatePlain(ScrapeInputDto, scrapeInput));
  const riskInput = riskInputs()[2];
  add('RiskInputDto (monte_carlo)', 'validatePlain', () => validatePlain(RiskInputDto, riskInput));

  const slowest = (operation: string): number =>
    Math.min(...timings.filter((t) => t.operation === operation).map((t) => t.speedup));
  const report: CodecBenchReport = {
    generatedAt: new Date().toISOString(),
    environment: benchEnvironment(),
    method: `CPU µs per call (user + system), best of ${rounds} interleaved rounds of ~0.1 s CPU each`,
    jsonParseMicros,
    timings,
    slowestSpeedup: {
      validateEvent: slowest('validateEvent'),
      decodeEvent: slowest('decodeEvent'),
      encodeEvent: slowest('encodeEvent'),
    },
  };
  print(report);
  writeBenchReport('codec.json', report);
  process.stdout.write('\nwrote bench-results/codec.json\n');
  return report;
}

function print(report: CodecBenchReport): void {
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(`codec benchmark (${report.method}; load average ${report.environment.loadAverage1m})`);
  out('');
  out(
    `${'subject'.padEnd(28)} ${'operation'.padEnd(14)} ${'before µs'.padStart(10)} ${'after µs'.padStart(9)} ${'speedup'.padStart(8)}`,
  );
  for (const t of report.timings) {
    out(
      `${t.subject.padEnd(28)} ${t.operation.padEnd(14)} ${t.beforeMicros.toFixed(1).padStart(10)} ${t.afterMicros.toFixed(1).padStart(9)} ${`${t.speedup.toFixed(1)}x`.padStart(8)}`,
    );
  }
  out('');
  for (const [subject, micros] of Object.entries(report.jsonParseMicros)) {
    out(`JSON.parse ${subject}: ${micros.toFixed(1)} µs`);
  }
  const { validateEvent: v, decodeEvent: d, encodeEvent: e } = report.slowestSpeedup;
  out('');
  out(
    `slowest speedup: validateEvent ${v.toFixed(1)}x, decodeEvent ${d.toFixed(1)}x, encodeEvent ${e.toFixed(1)}x (target ${TARGET_SPEEDUP}x for validation)`,
  );
}
