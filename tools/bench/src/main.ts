/*
 * Benchmark dispatcher: `node dist/tools/bench/src/main.js <name>` (or `npm run bench -- <name>`).
 * Add a subcommand by adding an entry to BENCHMARKS.
 */
import { runCodecBench } from './codec-bench';
import { runPipelineBench } from './pipeline-bench';
import { runRebuildBench } from './rebuild-bench';
import { runRiskBench } from './risk-bench';

interface Benchmark {
  description: string;
  run: () => Promise<unknown>;
}

const BENCHMARKS: Record<string, Benchmark> = {
  pipeline: {
    description:
      'the real stack under load: POST /jobs, end-to-end jobs/s and latency, tracing overhead, memory',
    run: runPipelineBench,
  },
  risk: {
    description: 'VaR / ES kernels in-process and via the worker pool (writes bench-results/risk.json)',
    run: runRiskBench,
  },
  codec: {
    description:
      'decode/encode/validate of every event type, class-validator path vs fast path (writes bench-results/codec.json)',
    run: runCodecBench,
  },
  rebuild: {
    description:
      'projection rebuild from offset 0 of a 100,000-event log (writes bench-results/rebuild.json)',
    run: runRebuildBench,
  },
};

function usage(): string {
  const lines = Object.entries(BENCHMARKS).map(
    ([name, bench]) => `  ${name.padEnd(10)} ${bench.description}`,
  );
  return ['usage: node dist/tools/bench/src/main.js <benchmark>', '', 'benchmarks:', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const bench = Object.prototype.hasOwnProperty.call(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (bench === undefined) {
    process.stderr.write(`unknown benchmark "${name}"\n\n${usage()}\n`);
    return 2;
  }
  await bench.run();
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
