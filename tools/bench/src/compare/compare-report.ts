/*
 * Pure logic of `npm run bench -- compare`: the phases and their sizes, the options, the issue's
 * budgets, the ratio per row, and the printed tables. No I/O here (see compare-report.spec.ts).
 */

export type StackName = 'baseline' | 'platform' | 'platformTracingOff';
export const STACK_TITLES: Record<StackName, string> = {
  baseline: 'Celery (POOL=gevent)',
  platform: 'platform',
  platformTracingOff: 'platform, tracing off',
};

export type PhaseName = 'warmup' | 'burst' | 'steady' | 'rate500' | 'io';

export interface PhaseSpec {
  name: PhaseName;
  label: string;
  jobs: number;
  /** Jobs offered per second (open loop); 0: as fast as 64 connections allow. */
  rate: number;
  /** The page answers after this many ms (page-server.mjs `/slow?ms=`); absent: `/basic.html`. */
  slowMs?: number;
  /** Reported in the table (the warm-up is not). */
  reported: boolean;
}

/** Full-scale phases, in the order they run. */
export const PHASES: readonly PhaseSpec[] = [
  { name: 'warmup', label: 'warm-up', jobs: 500, rate: 0, reported: false },
  { name: 'burst', label: 'burst of 3,000', jobs: 3000, rate: 0, reported: true },
  { name: 'steady', label: '3,000 at 200/s', jobs: 3000, rate: 200, reported: true },
  { name: 'rate500', label: '2,500 at 500/s', jobs: 2500, rate: 500, reported: true },
  { name: 'io', label: '1-s pages, 1,200 at 200/s', jobs: 1200, rate: 200, slowMs: 1000, reported: true },
];

export const PHASE_NAMES = PHASES.map((phase) => phase.name);
/** The phases the tracing-off run repeats by default. */
export const DEFAULT_TRACING_OFF_PHASES: PhaseName[] = ['warmup', 'burst', 'steady'];

export interface CompareOptions {
  only?: 'baseline' | 'platform';
  phases: PhaseSpec[];
  /** Phases of the platform run with the OpenTelemetry SDK disabled (empty: no such run). */
  tracingOffPhases: PhaseSpec[];
  scale: number;
  /** Measure Kafka's own producer/consumer limit on the platform's broker after its phases (default on). */
  ceiling: boolean;
}

export class CompareArgumentError extends Error {}

function parsePhaseList(value: string, scale: number, flag: string): PhaseSpec[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(PHASE_NAMES as string[]).includes(name)) {
      throw new CompareArgumentError(`${flag}: unknown phase "${name}" (phases: ${PHASE_NAMES.join(', ')})`);
    }
  }
  return scalePhases(
    PHASES.filter((phase) => names.includes(phase.name)),
    scale,
  );
}

/** Job counts times `scale` (at least 10 jobs a phase); rates and page delays unchanged. */
export function scalePhases(phases: readonly PhaseSpec[], scale: number): PhaseSpec[] {
  return phases.map((phase) => ({ ...phase, jobs: Math.max(10, Math.round(phase.jobs * scale)) }));
}

/**
 * `--only baseline|platform`, `--phases warmup,burst,...` (default: all; `none`: only the tracing-off
 * run), `--tracing-off-phases ...`
 * (default warmup,burst,steady; `none` skips that run); BENCH_COMPARE_SCALE scales every phase's jobs.
 */
export function parseCompareArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CompareOptions {
  const scale = Number(env.BENCH_COMPARE_SCALE ?? 1);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new CompareArgumentError(`BENCH_COMPARE_SCALE=${env.BENCH_COMPARE_SCALE} is not a positive number`);
  }
  const options: CompareOptions = {
    phases: scalePhases(PHASES, scale),
    tracingOffPhases: scalePhases(
      PHASES.filter((phase) => DEFAULT_TRACING_OFF_PHASES.includes(phase.name)),
      scale,
    ),
    scale,
    ceiling: true,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new CompareArgumentError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--only': {
        const only = value();
        if (only !== 'baseline' && only !== 'platform') {
          throw new CompareArgumentError(`--only: "${only}" is neither baseline nor platform`);
        }
        options.only = only;
        break;
      }
      case '--phases': {
        const list = value();
        options.phases = list === 'none' ? [] : parsePhaseList(list, scale, flag);
        break;
      }
      case '--tracing-off-phases': {
        const list = value();
        options.tracingOffPhases = list === 'none' ? [] : parsePhaseList(list, scale, flag);
        break;
      }
      case '--no-ceiling':
        options.ceiling = false;
        break;
      default:
        throw new CompareArgumentError(`unknown argument "${arg}"`);
    }
  }
  return options;
}

/** What the shared loadgen.mjs writes with `--json` (the fields we use). */
export interface LoadgenResult {
  label: string;
  jobs: number;
  rate: number;
  accepted: number;
  rejected: number;
  postPerS: number;
  postMs: { p50: number; p90: number; p99: number; max: number };
  jobsPerS: number;
  /** finishedAt - createdAt of each job, from the job itself. */
  e2eMs: { p50: number; p90: number; p99: number; max: number };
  succeeded: number;
  failed: number;
  unfinished: number;
  timedOut: boolean;
  wallS: number;
  loadgenCpuMs: number;
}

export interface PhaseMeasurement {
  phase: PhaseName;
  label: string;
  startedAt: string;
  loadgen: LoadgenResult;
  /** CPU ms per finished job, per process role (the load generator's own figure included). */
  cpuMsPerJob: Record<string, number>;
  /** Sum of cpuMsPerJob: every process of the stack, the load generator and the page server. */
  stackCpuMsPerJob: number;
  /** The whole machine's busy CPU over the phase per job (other people's work included). */
  machineCpuMsPerJob: number;
  /** 1-, 5-, 15-minute load averages at the start and at the end of the phase. */
  loadAverageStart: number[];
  loadAverageEnd: number[];
  /** Peak resident memory (MB) per role during the phase. */
  peakRssMb: Record<string, number>;
  /** Peak of the sum of the services' resident memory (MB) during the phase. */
  peakServicesRssMb: number;
}

export interface StackRun {
  stack: StackName;
  /** Roles that are the stack's services (the memory budget's "services"). */
  services: string[];
  phases: Partial<Record<PhaseName, PhaseMeasurement>>;
}

export type Verdict = 'met' | 'not met' | 'n/a';

export interface Figure {
  phase: PhaseName | 'all';
  label: string;
  higherIsBetter: boolean;
  digits: number;
  value: (run: StackRun) => number | undefined;
  /** The issue's budget for the platform, if this row has one. */
  budget?: { text: string; check: (platform: number, baseline: number | undefined) => boolean | undefined };
}

const fromPhase =
  (phase: PhaseName, pick: (m: PhaseMeasurement) => number) =>
  (run: StackRun): number | undefined => {
    const measured = run.phases[phase];
    return measured ? pick(measured) : undefined;
  };

/** The largest peak of the services' summed RSS over the reported phases. */
export function peakServicesRss(run: StackRun): number | undefined {
  const peaks = Object.values(run.phases)
    .filter((m): m is PhaseMeasurement => m !== undefined && m.phase !== 'warmup')
    .map((m) => m.peakServicesRssMb);
  return peaks.length ? Math.max(...peaks) : undefined;
}

const relative = (
  absolute: (platform: number) => boolean,
  toBaseline: (platform: number, baseline: number) => boolean,
): ((platform: number, baseline: number | undefined) => boolean | undefined) => {
  return (platform, baseline) =>
    !absolute(platform) ? false : baseline === undefined ? undefined : toBaseline(platform, baseline);
};

type Metric = 'postPerS' | 'postP99' | 'jobsPerS' | 'e2eP50' | 'e2eP99' | 'cpu';

const METRICS: Record<
  Metric,
  Pick<Figure, 'label' | 'higherIsBetter' | 'digits'> & { pick: (m: PhaseMeasurement) => number }
> = {
  postPerS: { label: 'POST/s', higherIsBetter: true, digits: 0, pick: (m) => m.loadgen.postPerS },
  postP99: { label: 'POST p99 ms', higherIsBetter: false, digits: 1, pick: (m) => m.loadgen.postMs.p99 },
  jobsPerS: { label: 'end-to-end jobs/s', higherIsBetter: true, digits: 0, pick: (m) => m.loadgen.jobsPerS },
  e2eP50: { label: 'e2e p50 ms', higherIsBetter: false, digits: 0, pick: (m) => m.loadgen.e2eMs.p50 },
  e2eP99: { label: 'e2e p99 ms', higherIsBetter: false, digits: 0, pick: (m) => m.loadgen.e2eMs.p99 },
  cpu: {
    label: 'CPU ms/job, all processes',
    higherIsBetter: false,
    digits: 2,
    pick: (m) => m.stackCpuMsPerJob,
  },
};

/** The issue's budgets, by phase and metric. */
const BUDGETS: Partial<Record<`${PhaseName}.${Metric}`, NonNullable<Figure['budget']>>> = {
  'burst.jobsPerS': {
    text: ">= 2x Celery's and >= 1,000",
    check: relative(
      (p) => p >= 1000,
      (p, b) => p >= 2 * b,
    ),
  },
  'burst.cpu': { text: '<= 2 ms', check: (p) => p <= 2 },
  'steady.e2eP99': { text: '<= 50 ms', check: (p) => p <= 50 },
  'steady.cpu': { text: '<= 3 ms', check: (p) => p <= 3 },
  'rate500.postP99': { text: '<= 15 ms (POST at 500 req/s, pipeline running)', check: (p) => p <= 15 },
  'rate500.e2eP99': {
    text: "<= 100 ms and below Celery's",
    check: relative(
      (p) => p <= 100,
      (p, b) => p < b,
    ),
  },
  'io.jobsPerS': { text: '>= 190 jobs/s', check: (p) => p >= 190 },
  'io.e2eP99': { text: '<= 1,500 ms', check: (p) => p <= 1500 },
};

/** Every row of the table, in order (each reported phase x metric, then memory); some carry a budget. */
export const FIGURES: readonly Figure[] = [
  ...PHASES.filter((phase) => phase.reported).flatMap((phase) =>
    (Object.keys(METRICS) as Metric[]).map((metric): Figure => {
      const { pick, ...rest } = METRICS[metric];
      const budget = BUDGETS[`${phase.name}.${metric}`];
      return {
        phase: phase.name,
        ...rest,
        value: fromPhase(phase.name, pick),
        ...(budget ? { budget } : {}),
      };
    }),
  ),
  {
    phase: 'all',
    label: 'services RSS MB, peak under load',
    higherIsBetter: false,
    digits: 0,
    value: peakServicesRss,
    budget: { text: '<= 1,024 MB (1 GiB)', check: (p) => p <= 1024 },
  },
];

export interface TableRow {
  phase: string;
  figure: string;
  baseline?: number;
  platform?: number;
  /** platform / baseline. */
  ratio?: number;
  /** Whether the platform's figure is the better one (undefined: equal or missing). */
  better?: boolean;
  tracingOff?: number;
  budget?: string;
  verdict?: Verdict;
}

/** platform / baseline and whether that is better for a figure of this direction. */
export function compareValues(
  platform: number | undefined,
  baseline: number | undefined,
  higherIsBetter: boolean,
): { ratio?: number; better?: boolean } {
  if (
    platform === undefined ||
    baseline === undefined ||
    !Number.isFinite(platform) ||
    !Number.isFinite(baseline)
  )
    return {};
  if (baseline === 0) return platform === 0 ? { ratio: 1 } : {};
  const ratio = platform / baseline;
  if (platform === baseline) return { ratio };
  return { ratio, better: higherIsBetter ? platform > baseline : platform < baseline };
}

export function budgetVerdict(
  figure: Figure,
  platform: number | undefined,
  baseline: number | undefined,
): Verdict {
  if (!figure.budget || platform === undefined || !Number.isFinite(platform)) return 'n/a';
  const ok = figure.budget.check(platform, baseline);
  return ok === undefined ? 'n/a' : ok ? 'met' : 'not met';
}

const phaseLabel = (phase: PhaseName | 'all'): string =>
  phase === 'all' ? 'all phases' : (PHASES.find((p) => p.name === phase)?.label ?? phase);

/** The rows for the runs at hand (rows whose phase ran in neither stack are left out). */
export function buildRows(runs: Partial<Record<StackName, StackRun>>): TableRow[] {
  const rows: TableRow[] = [];
  for (const figure of FIGURES) {
    const baseline = runs.baseline ? figure.value(runs.baseline) : undefined;
    const platform = runs.platform ? figure.value(runs.platform) : undefined;
    const tracingOff = runs.platformTracingOff ? figure.value(runs.platformTracingOff) : undefined;
    if (baseline === undefined && platform === undefined && tracingOff === undefined) continue;
    rows.push({
      phase: phaseLabel(figure.phase),
      figure: figure.label,
      baseline,
      platform,
      tracingOff,
      ...compareValues(platform, baseline, figure.higherIsBetter),
      ...(figure.budget
        ? { budget: figure.budget.text, verdict: budgetVerdict(figure, platform, baseline) }
        : {}),
    });
  }
  return rows;
}

function format(value: number | undefined, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const digitsOf = (row: TableRow): number =>
  FIGURES.find((figure) => figure.label === row.figure && phaseLabel(figure.phase) === row.phase)?.digits ??
  1;

function markdownTable(header: string[], body: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** The side-by-side table: one row per figure, ratio platform/Celery, budget rows with their verdict. */
export function renderComparisonTable(rows: TableRow[]): string {
  const body = rows.map((row) => {
    const digits = digitsOf(row);
    const ratio =
      row.ratio === undefined
        ? '—'
        : `x${row.ratio.toFixed(2)} ${row.better === undefined ? 'same' : row.better ? 'better' : 'worse'}`;
    return [
      row.phase,
      row.figure,
      format(row.baseline, digits),
      format(row.platform, digits),
      ratio,
      format(row.tracingOff, digits),
      row.budget ?? '',
      row.verdict ?? '',
    ];
  });
  return markdownTable(
    ['phase', 'figure', 'Celery', 'platform', 'platform/Celery', 'tracing off', 'budget (platform)', 'met'],
    body,
  );
}

const ROLE_ORDER = [
  'gateway',
  'scraper',
  'projector',
  'risk',
  'documents',
  'api',
  'worker',
  'kafka',
  'redis',
  'postgres',
  'jaeger',
  'page-server',
  'loadgen',
  'bench',
];

/** Roles in a stable order: known ones first, then the rest alphabetically. */
export function orderRoles(roles: Iterable<string>): string[] {
  const rank = (role: string): number => {
    const base = role.split('#')[0];
    const i = ROLE_ORDER.indexOf(base);
    return i < 0 ? ROLE_ORDER.length : i;
  };
  return [...new Set(roles)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Per stack: a row per phase, finished jobs, lost ones (POST rejected or never terminal), CPU ms per
 * job per process role, the sums, and the load average.
 */
export function renderCpuBreakdown(run: StackRun): string {
  const measured = Object.values(run.phases).filter((m): m is PhaseMeasurement => m !== undefined);
  const roles = orderRoles(measured.flatMap((m) => Object.keys(m.cpuMsPerJob)));
  const body = measured.map((m) => [
    m.label,
    String(m.loadgen.succeeded + m.loadgen.failed),
    String(m.loadgen.rejected + m.loadgen.unfinished),
    ...roles.map((role) => format(m.cpuMsPerJob[role], 2)),
    format(m.stackCpuMsPerJob, 2),
    format(m.machineCpuMsPerJob, 2),
    `${m.loadAverageStart[0].toFixed(1)} -> ${m.loadAverageEnd[0].toFixed(1)}`,
    format(m.peakServicesRssMb, 0),
  ]);
  return markdownTable(['phase', 'jobs', 'lost', ...roles, 'all', 'machine', 'load1', 'svc RSS MB'], body);
}

/** One line per budget: how many met. */
export function budgetSummary(rows: TableRow[]): string {
  const budgets = rows.filter((row) => row.verdict !== undefined);
  const met = budgets.filter((row) => row.verdict === 'met').length;
  const unknown = budgets.filter((row) => row.verdict === 'n/a').length;
  return `budgets met: ${met} of ${budgets.length}${unknown ? ` (${unknown} not measurable in this run)` : ''}`;
}
