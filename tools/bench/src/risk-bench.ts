/*
 * Risk benchmark (in-process, no Kafka): times the VaR / ES kernels of services/risk against the
 * budgets of the risk job issue, a deliberately naive implementation (plain arrays, full sort, a
 * correlated vector allocated per path) and, when python3 has numpy, a numpy reference.
 * Prints a table and writes bench-results/risk.json.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import type { RiskInput, RiskMethod } from '@app/contracts/plain';
import { RiskWorkerPool } from '@app/risk/compute/risk-worker-pool';
import { inverseNormalCdf } from '@app/risk/domain/normal-distribution';
import { NormalGenerator } from '@app/risk/domain/random';
import { computeRisk } from '@app/risk/domain/risk-calculator';
import { naiveHistorical, naiveMonteCarlo, naiveParametric, type TailNumbers } from '@app/risk/testing';
import { benchEnvironment, writeBenchReport } from './bench-report';
import { cpuMicrosSince, median } from './timing';

type Implementation = 'fast' | 'fast (worker pool)' | 'naive' | 'numpy';

interface Case {
  method: RiskMethod;
  assets: number;
  observations: number;
  simulations: number | null;
  budgetMs: number | null;
}

interface Timing {
  case: string;
  implementation: Implementation;
  runs: number;
  medianMs: number;
  minMs: number;
  /** Median process CPU time (user + system, all threads of this process) per run. */
  medianCpuMs: number | null;
  budgetMs: number | null;
  withinBudget: boolean | null;
  var: number;
  expectedShortfall: number;
}

interface RiskBenchReport {
  generatedAt: string;
  environment: Record<string, string | number>;
  timings: Timing[];
  checks: { name: string; value: number; tolerance: number; ok: boolean }[];
  eventLoop: { scenario: string; maxDelayMs: number }[];
  notes: string[];
}

const SEED = 20240601;

const MC_SMALL: Case = {
  method: 'monte_carlo',
  assets: 10,
  observations: 250,
  simulations: 100_000,
  budgetMs: 50,
};
const MC_LARGE: Case = {
  method: 'monte_carlo',
  assets: 50,
  observations: 250,
  simulations: 1_000_000,
  budgetMs: 2000,
};
const HISTORICAL: Case = {
  method: 'historical',
  assets: 50,
  observations: 250,
  simulations: null,
  budgetMs: null,
};
const PARAMETRIC: Case = {
  method: 'parametric',
  assets: 50,
  observations: 250,
  simulations: null,
  budgetMs: null,
};

function caseName(c: Case): string {
  const size =
    c.simulations === null ? `${c.observations} obs x ${c.assets}` : `${c.simulations} x ${c.assets}`;
  return `${c.method} ${size}`;
}

/**
 * Synthetic one-factor market: r_it = 0.0003 + 0.012 (beta_i f_t + sqrt(1 - beta_i^2) e_it), with some
 * short positions so that netting matters.
 */
export function syntheticInput(c: Case): RiskInput {
  const normals = new NormalGenerator(SEED);
  const market = new Float64Array(c.observations);
  normals.fill(market);
  const idiosyncratic = new Float64Array(c.observations);
  const returns: Record<string, number[]> = {};
  const positions: RiskInput['positions'] = [];
  for (let i = 0; i < c.assets; i++) {
    const symbol = `S${String(i).padStart(3, '0')}`;
    const beta = 0.3 + (0.5 * i) / Math.max(1, c.assets - 1);
    const rest = Math.sqrt(1 - beta * beta);
    normals.fill(idiosyncratic);
    returns[symbol] = Array.from(market, (f, t) => 0.0003 + 0.012 * (beta * f + rest * idiosyncratic[t]));
    positions.push({ symbol, quantity: (i % 5 === 4 ? -1 : 1) * (100 + 10 * i), price: 20 + 3 * i });
  }
  const input: RiskInput = { method: c.method, confidence: 0.99, horizonDays: 10, positions, returns };
  if (c.simulations !== null) {
    input.simulations = c.simulations;
    input.seed = SEED;
  }
  return input;
}

// ---------------------------------------------------------------------------------------------------
// Naive reference: what a first straightforward implementation would look like.

function naive(input: RiskInput): TailNumbers {
  if (input.method === 'historical') return naiveHistorical(input);
  if (input.method === 'parametric') return naiveParametric(input, inverseNormalCdf(input.confidence));
  return naiveMonteCarlo(input);
}

// ---------------------------------------------------------------------------------------------------

async function time(
  label: Case,
  implementation: Implementation,
  warmups: number,
  runs: number,
  fn: () => TailNumbers | Promise<TailNumbers>,
): Promise<Timing> {
  let last: TailNumbers = { var: NaN, expectedShortfall: NaN };
  for (let i = 0; i < warmups; i++) last = await fn();
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    last = await fn();
    samples.push(performance.now() - started);
    cpuSamples.push(cpuMicrosSince(cpuStarted) / 1000);
  }
  samples.sort((a, b) => a - b);
  const medianMs = median(samples);
  const timing: Timing = {
    case: caseName(label),
    implementation,
    runs,
    medianMs,
    minMs: samples[0],
    medianCpuMs: implementation === 'fast (worker pool)' ? null : median(cpuSamples),
    budgetMs: implementation.startsWith('fast') ? label.budgetMs : null,
    withinBudget:
      implementation.startsWith('fast') && label.budgetMs !== null ? medianMs <= label.budgetMs : null,
    var: last.var,
    expectedShortfall: last.expectedShortfall,
  };
  process.stdout.write(
    `  ${timing.case.padEnd(30)} ${implementation.padEnd(20)} ${medianMs.toFixed(2)} ms\n`,
  );
  return timing;
}

const NUMPY_SCRIPT = String.raw`
import json, sys, time
cases = json.loads(sys.stdin.read())  # read first, so the writer never sees EPIPE
try:
    import numpy as np
except ImportError as e:
    print(json.dumps({"skipped": "numpy is not installed (" + str(e) + ")"}))
    sys.exit(0)
from statistics import NormalDist
out = []
def timed(fn, warm, runs):
    for _ in range(warm): fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); r = fn(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return ts[len(ts)//2], ts[0], r
for c in cases:
    inp = c["input"]; conf = inp["confidence"]; h = inp["horizonDays"]
    syms = [p["symbol"] for p in inp["positions"]]
    w = np.array([p["quantity"] * p["price"] for p in inp["positions"]])
    R = np.array([inp["returns"][s] for s in syms])
    def tail(pnl):
        q = np.quantile(pnl, 1 - conf)
        return -q, -pnl[pnl <= q].mean()
    if inp["method"] == "historical":
        def fn():
            v, es = tail(w @ R)
            return v * h ** 0.5, es * h ** 0.5
    elif inp["method"] == "parametric":
        def fn():
            s = np.sqrt(w @ np.cov(R) @ w * h)
            z = NormalDist().inv_cdf(conf)
            return z * s, s * NormalDist().pdf(z) / (1 - conf)
    else:
        def fn():
            L = np.linalg.cholesky(np.cov(R) * h)
            b = L.T @ w
            rng = np.random.default_rng(inp["seed"])
            pnl = rng.standard_normal((inp["simulations"], len(b))) @ b
            return tail(pnl)
    med, mn, r = timed(fn, c["warmups"], c["runs"])
    out.append({"case": c["name"], "runs": c["runs"], "medianMs": med, "minMs": mn, "var": float(r[0]), "expectedShortfall": float(r[1])})
print(json.dumps({"timings": out, "numpy": np.__version__}))
`;

interface NumpyOutput {
  skipped?: string;
  numpy?: string;
  timings?: {
    case: string;
    runs: number;
    medianMs: number;
    minMs: number;
    var: number;
    expectedShortfall: number;
  }[];
}

function runNumpy(
  cases: { c: Case; input: RiskInput; warmups: number; runs: number }[],
  notes: string[],
): Timing[] {
  const payload = JSON.stringify(
    cases.map(({ c, input, warmups, runs }) => ({ name: caseName(c), input, warmups, runs })),
  );
  const child = spawnSync('python3', ['-c', NUMPY_SCRIPT], {
    input: payload,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.error !== undefined) {
    notes.push(`numpy reference skipped: could not start python3 (${child.error.message})`);
    return [];
  }
  if (child.status !== 0) {
    notes.push(
      `numpy reference skipped: python3 exited with ${child.status}: ${child.stderr.trim().slice(0, 300)}`,
    );
    return [];
  }
  const output = JSON.parse(child.stdout) as NumpyOutput;
  if (output.skipped !== undefined || output.timings === undefined) {
    notes.push(`numpy reference skipped: ${output.skipped ?? 'no output'}`);
    return [];
  }
  notes.push(
    `numpy ${output.numpy ?? '?'} reference: np.quantile (linear), np.cov, default_rng standard_normal @ b`,
  );
  return output.timings.map((t) => ({
    ...t,
    implementation: 'numpy' as const,
    medianCpuMs: null,
    budgetMs: null,
    withinBudget: null,
  }));
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
}

function printTable(timings: Timing[]): void {
  const header = [
    'case',
    'implementation',
    'median ms',
    'min ms',
    'cpu ms',
    'runs',
    'budget ms',
    'ok',
    'VaR',
    'ES',
  ];
  const rows = timings.map((t) => [
    t.case,
    t.implementation,
    t.medianMs.toFixed(2),
    t.minMs.toFixed(2),
    t.medianCpuMs === null ? '' : t.medianCpuMs.toFixed(2),
    String(t.runs),
    t.budgetMs === null ? '' : String(t.budgetMs),
    t.withinBudget === null ? '' : t.withinBudget ? 'yes' : 'NO',
    t.var.toFixed(2),
    t.expectedShortfall.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  process.stdout.write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

/** Max event-loop delay while `work` runs: shows whether heartbeats would still be served. */
async function eventLoopDelayDuring(work: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  await work();
  histogram.disable();
  return histogram.max / 1e6;
}

export async function runRiskBench(): Promise<RiskBenchReport> {
  const notes: string[] = [];
  const timings: Timing[] = [];
  const inputs = new Map<Case, RiskInput>(
    [MC_SMALL, MC_LARGE, HISTORICAL, PARAMETRIC].map((c) => [c, syntheticInput(c)]),
  );
  const input = (c: Case): RiskInput => inputs.get(c) as RiskInput;
  const fast = (c: Case) => (): TailNumbers => computeRisk(input(c), 'bench');
  process.stdout.write(
    `risk bench: node ${process.version}, ${cpus()[0]?.model ?? '?'} x${availableParallelism()}, load average ${loadavg()[0].toFixed(1)}\n`,
  );

  timings.push(await time(MC_SMALL, 'fast', 5, 15, fast(MC_SMALL)));
  timings.push(await time(MC_LARGE, 'fast', 2, 5, fast(MC_LARGE)));
  timings.push(await time(HISTORICAL, 'fast', 50, 201, fast(HISTORICAL)));
  timings.push(await time(PARAMETRIC, 'fast', 50, 201, fast(PARAMETRIC)));

  const pool = new RiskWorkerPool({ threads: Math.min(2, availableParallelism()) });
  const eventLoop: RiskBenchReport['eventLoop'] = [];
  try {
    const viaPool = (c: Case) => (): Promise<TailNumbers> => pool.compute(input(c), 'bench');
    timings.push(await time(MC_SMALL, 'fast (worker pool)', 5, 15, viaPool(MC_SMALL)));
    timings.push(await time(MC_LARGE, 'fast (worker pool)', 1, 5, viaPool(MC_LARGE)));
    eventLoop.push({
      scenario: `${caseName(MC_LARGE)} in a worker thread`,
      maxDelayMs: await eventLoopDelayDuring(() => pool.compute(input(MC_LARGE), 'bench')),
    });
    eventLoop.push({
      scenario: `${caseName(MC_LARGE)} on the main thread`,
      maxDelayMs: await eventLoopDelayDuring(async () => {
        await new Promise((done) => setTimeout(done, 20));
        computeRisk(input(MC_LARGE), 'bench');
        await new Promise((done) => setTimeout(done, 20));
      }),
    });
  } finally {
    await pool.close();
  }

  timings.push(await time(MC_SMALL, 'naive', 1, 3, () => naive(input(MC_SMALL))));
  timings.push(await time(MC_LARGE, 'naive', 0, 1, () => naive(input(MC_LARGE))));
  timings.push(await time(HISTORICAL, 'naive', 20, 101, () => naive(input(HISTORICAL))));
  timings.push(await time(PARAMETRIC, 'naive', 20, 101, () => naive(input(PARAMETRIC))));

  timings.push(
    ...runNumpy(
      [
        { c: MC_SMALL, input: input(MC_SMALL), warmups: 2, runs: 9 },
        { c: MC_LARGE, input: input(MC_LARGE), warmups: 1, runs: 5 },
        { c: HISTORICAL, input: input(HISTORICAL), warmups: 20, runs: 101 },
        { c: PARAMETRIC, input: input(PARAMETRIC), warmups: 20, runs: 101 },
      ],
      notes,
    ),
  );

  const find = (c: Case, implementation: Implementation): Timing | undefined =>
    timings.find((t) => t.case === caseName(c) && t.implementation === implementation);
  const checks: RiskBenchReport['checks'] = [];
  const check = (name: string, a: Timing | undefined, b: Timing | undefined, tolerance: number): void => {
    if (a === undefined || b === undefined) return;
    const value = relativeDifference(a.var, b.var);
    checks.push({ name, value, tolerance, ok: value <= tolerance });
  };
  check('historical VaR: fast vs naive (rel)', find(HISTORICAL, 'fast'), find(HISTORICAL, 'naive'), 1e-9);
  check('parametric VaR: fast vs naive (rel)', find(PARAMETRIC, 'fast'), find(PARAMETRIC, 'naive'), 1e-9);
  const parametricLarge = computeRisk(
    { ...input(MC_LARGE), method: 'parametric', simulations: undefined, seed: undefined },
    'bench',
  );
  const asTiming = (r: TailNumbers): Timing => ({ ...(find(MC_LARGE, 'fast') as Timing), ...r });
  check('MC 1e6 x 50 VaR vs parametric (rel)', find(MC_LARGE, 'fast'), asTiming(parametricLarge), 0.01);
  check(
    'MC 1e6 x 50 naive VaR vs parametric (rel)',
    find(MC_LARGE, 'naive'),
    asTiming(parametricLarge),
    0.01,
  );
  check(
    'MC 1e6 x 50: worker pool vs in-process (bit-identical => 0)',
    find(MC_LARGE, 'fast'),
    find(MC_LARGE, 'fast (worker pool)'),
    0,
  );
  check('historical VaR: fast vs numpy (rel)', find(HISTORICAL, 'fast'), find(HISTORICAL, 'numpy'), 1e-9);
  check('parametric VaR: fast vs numpy (rel)', find(PARAMETRIC, 'fast'), find(PARAMETRIC, 'numpy'), 1e-9);

  printTable(timings);
  process.stdout.write('\nchecks:\n');
  for (const c of checks) {
    process.stdout.write(
      `  ${c.ok ? 'ok ' : 'BAD'} ${c.name}: ${c.value.toExponential(2)} (tolerance ${c.tolerance})\n`,
    );
  }
  process.stdout.write('\nmax event-loop delay:\n');
  for (const e of eventLoop) process.stdout.write(`  ${e.scenario}: ${e.maxDelayMs.toFixed(1)} ms\n`);
  for (const note of notes) process.stdout.write(`\nnote: ${note}\n`);

  const report: RiskBenchReport = {
    generatedAt: new Date().toISOString(),
    environment: benchEnvironment(),
    timings,
    checks,
    eventLoop,
    notes,
  };
  const file = writeBenchReport('risk.json', report);
  process.stdout.write(`\nwrote ${file}\n`);
  return report;
}
