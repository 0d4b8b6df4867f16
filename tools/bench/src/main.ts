/*
 * Benchmark dispatcher: `npm run bench` runs every benchmark in turn (the "full bench");
 * `npm run bench -- <name>` runs one. Add a subcommand by adding an entry to BENCHMARKS.
 */
import { runCodecBench } from './codec-bench';
import { runCompareBench } from './compare/compare-bench';
import { runDocumentsBench } from './documents-bench';
import { runGatewayBench } from './gateway-bench';
import { runIntakeBench } from './intake-bench';
import { runIoBench } from './io-bench';
import { runKafkaClientBench } from './kafka-client/kafka-client-bench';
import { runPipelineBench } from './pipeline-bench';
import { runRebuildBench } from './rebuild-bench';
import { runRiskBench } from './risk-bench';
import { runScalingBench } from './scaling-bench';
import { runStreamsBench } from './streams-bench';

interface Benchmark {
  description: string;
  /** Receives the arguments after the benchmark's name. */
  run: (args: string[]) => Promise<unknown>;
  /** False: only when named (not part of `npm run bench`). */
  inAll?: boolean;
}

const BENCHMARKS: Record<string, Benchmark> = {
  pipeline: {
    description:
      'the real stack under load: POST /jobs, end-to-end jobs/s and latency, tracing overhead, memory',
    run: runPipelineBench,
  },
  gateway: {
    description:
      'POST /jobs alone: accepted req/s at saturation, p99 at a fixed rate, gateway CPU µs per request (BENCH_CPU_PROFILE=1: where it goes)',
    run: runGatewayBench,
  },
  risk: {
    description: 'VaR / ES kernels in-process and via the worker pool (writes bench-results/risk.json)',
    run: runRiskBench,
  },
  documents: {
    description:
      'document stages in-process: pages/s for text-layer and scanned A3 pages (writes bench-results/documents.json)',
    run: runDocumentsBench,
  },
  codec: {
    description:
      'decode/encode/validate of every event type, class-validator path vs fast path (writes bench-results/codec.json)',
    run: runCodecBench,
  },
  intake: {
    description:
      'gateway intake checks in-process: input-limits walk and media-type/bounds guards per body, JSON.parse for scale (writes bench-results/intake.json)',
    run: runIntakeBench,
  },
  rebuild: {
    description:
      'projection rebuild from offset 0 of a 100,000-event log (writes bench-results/rebuild.json)',
    run: runRebuildBench,
  },
  scaling: {
    description:
      'scrape stage throughput with 1, 2 and 4 replicas against a slow local site (bench-results/scaling.json, .svg)',
    run: runScalingBench,
  },
  io: {
    description:
      'IO-bound row: 1,200 scrape jobs at 200/s, pages answering after 1 s, one scraper replica: jobs/s, end-to-end p50/p99 (bench-results/io.json)',
    run: runIoBench,
  },
  streams: {
    description:
      'live streams: 1,000 open SSE streams on one gateway at 200 jobs/s: gateway CPU and RSS with and without, commit-to-socket p50/p99, events delivered vs expected (bench-results/streams.json)',
    run: runStreamsBench,
  },
  'kafka-client': {
    description:
      'KafkaJS vs @platformatic/kafka on our pattern (idempotent acks=all produce, batch consume + commit): CPU µs and msgs/s each, broker CPU (bench-results/kafka-client.json)',
    run: runKafkaClientBench,
    inAll: false,
  },
  compare: {
    description:
      'issue 11: the Celery baseline (../shared/baselines/celery) vs the platform, same phases, shared loadgen.mjs, budgets met or not (bench-results/compare.json); --only baseline|platform, --phases, BENCH_COMPARE_SCALE',
    run: runCompareBench,
    inAll: false,
  },
};

function usage(): string {
  const lines = Object.entries(BENCHMARKS).map(
    ([name, bench]) => `  ${name.padEnd(10)} ${bench.description}`,
  );
  return [
    'usage: npm run bench [-- <benchmark> [args]]   (no name: all of them but compare, in this order)',
    '',
    'benchmarks:',
    ...lines,
  ].join('\n');
}

/** Every benchmark, one after the other (each starts and stops what it needs). */
async function runAll(): Promise<void> {
  const seconds: Record<string, number> = {};
  for (const [name, bench] of Object.entries(BENCHMARKS)) {
    if (bench.inAll === false) continue;
    process.stdout.write(`\n===== bench ${name} =====\n`);
    const started = Date.now();
    await bench.run([]);
    seconds[name] = Math.round((Date.now() - started) / 1000);
  }
  process.stdout.write(
    `\n===== all benchmarks done; seconds each: ${JSON.stringify(seconds)}; results in bench-results/ =====\n`,
  );
}

async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  if (name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === undefined || name === 'all') {
    await runAll();
    return 0;
  }
  const bench = Object.prototype.hasOwnProperty.call(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (bench === undefined) {
    process.stderr.write(`unknown benchmark "${name}"\n\n${usage()}\n`);
    return 2;
  }
  await bench.run(argv.slice(1));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
