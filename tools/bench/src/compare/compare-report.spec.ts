import {
  budgetSummary,
  buildRows,
  compareValues,
  parseCompareArgs,
  renderComparisonTable,
  renderCpuBreakdown,
  type LoadgenResult,
  type PhaseMeasurement,
  type StackRun,
} from './compare-report';

function loadgen(overrides: Partial<LoadgenResult>): LoadgenResult {
  return {
    label: 'x',
    jobs: 100,
    rate: 0,
    accepted: 100,
    rejected: 0,
    postPerS: 500,
    postMs: { p50: 2, p90: 5, p99: 10, max: 20 },
    jobsPerS: 400,
    e2eMs: { p50: 20, p90: 40, p99: 60, max: 80 },
    succeeded: 100,
    failed: 0,
    unfinished: 0,
    timedOut: false,
    wallS: 1,
    loadgenCpuMs: 30,
    ...overrides,
  };
}

function phase(
  name: PhaseMeasurement['phase'],
  lg: Partial<LoadgenResult>,
  cpu: number,
  rss = 500,
): PhaseMeasurement {
  return {
    phase: name,
    label: name,
    startedAt: '2026-12-07T00:00:00Z',
    loadgen: loadgen(lg),
    cpuMsPerJob: { api: cpu / 2, loadgen: cpu / 2 },
    stackCpuMsPerJob: cpu,
    machineCpuMsPerJob: cpu + 0.1,
    loadAverageStart: [1, 1, 1],
    loadAverageEnd: [2, 1, 1],
    peakRssMb: { api: rss },
    peakServicesRssMb: rss,
  };
}

describe('parseCompareArgs', () => {
  it('runs every phase at full size by default, tracing off for warm-up, burst and 200/s', () => {
    const options = parseCompareArgs([], {});
    expect(options.phases.map((p) => [p.name, p.jobs, p.rate])).toEqual([
      ['warmup', 500, 0],
      ['burst', 3000, 0],
      ['steady', 3000, 200],
      ['rate500', 2500, 500],
      ['io', 1200, 200],
    ]);
    expect(options.tracingOffPhases.map((p) => p.name)).toEqual(['warmup', 'burst', 'steady']);
    expect(options.only).toBeUndefined();
    expect(options.ceiling).toBe(true);
  });

  it('scales job counts (not rates), keeps phase order, and reads the flags', () => {
    const options = parseCompareArgs(
      ['--only', 'platform', '--phases=io,burst', '--tracing-off-phases', 'none'],
      { BENCH_COMPARE_SCALE: '0.2' },
    );
    expect(options.phases.map((p) => [p.name, p.jobs, p.rate, p.slowMs])).toEqual([
      ['burst', 600, 0, undefined],
      ['io', 240, 200, 1000],
    ]);
    expect(options.only).toBe('platform');
    expect(options.tracingOffPhases).toEqual([]);
    expect(parseCompareArgs([], { BENCH_COMPARE_SCALE: '0.001' }).phases[0].jobs).toBe(10);
    expect(parseCompareArgs(['--no-ceiling'], {}).ceiling).toBe(false);
  });

  it('rejects what it does not know', () => {
    expect(() => parseCompareArgs(['--only', 'celery'], {})).toThrow(/--only/);
    expect(() => parseCompareArgs(['--phases', 'burst,nope'], {})).toThrow(/unknown phase "nope"/);
    expect(() => parseCompareArgs(['--bogus'], {})).toThrow(/unknown argument/);
    expect(() => parseCompareArgs(['--phases'], {})).toThrow(/needs a value/);
    expect(() => parseCompareArgs([], { BENCH_COMPARE_SCALE: '0' })).toThrow(/BENCH_COMPARE_SCALE/);
  });
});

describe('compareValues', () => {
  it('is platform / baseline, better by the figure direction', () => {
    expect(compareValues(800, 400, true)).toEqual({ ratio: 2, better: true });
    expect(compareValues(800, 400, false)).toEqual({ ratio: 2, better: false });
    expect(compareValues(5, 5, false)).toEqual({ ratio: 1 });
    expect(compareValues(undefined, 5, false)).toEqual({});
    expect(compareValues(3, 0, true)).toEqual({});
  });
});

describe('buildRows and the tables', () => {
  const baseline: StackRun = {
    stack: 'baseline',
    services: ['api'],
    phases: {
      burst: phase('burst', { jobsPerS: 450 }, 4),
      rate500: phase('rate500', { e2eMs: { p50: 900, p90: 1500, p99: 2000, max: 2100 } }, 5),
    },
  };
  const platform: StackRun = {
    stack: 'platform',
    services: ['api'],
    phases: {
      burst: phase('burst', { jobsPerS: 1100 }, 1.5, 900),
      rate500: phase(
        'rate500',
        { e2eMs: { p50: 30, p90: 50, p99: 90, max: 95 }, postMs: { p50: 3, p90: 9, p99: 20, max: 30 } },
        2.5,
        1200,
      ),
    },
  };
  const rows = buildRows({ baseline, platform });
  const row = (phaseLabel: string, figure: string) =>
    rows.find((r) => r.phase === phaseLabel && r.figure === figure)!;

  it('leaves out phases neither stack ran and checks each budget', () => {
    expect(rows.some((r) => r.phase.startsWith('3,000 at 200'))).toBe(false);
    expect(row('burst of 3,000', 'end-to-end jobs/s')).toMatchObject({
      baseline: 450,
      platform: 1100,
      better: true,
      verdict: 'met',
    });
    expect(row('burst of 3,000', 'CPU ms/job, all processes')).toMatchObject({
      verdict: 'met',
      better: true,
    });
    expect(row('2,500 at 500/s', 'e2e p99 ms')).toMatchObject({ verdict: 'met', better: true });
    expect(row('2,500 at 500/s', 'POST p99 ms')).toMatchObject({
      verdict: 'not met',
      better: false,
      ratio: 2,
    });
    expect(row('2,500 at 500/s', 'CPU ms/job, all processes').verdict).toBeUndefined();
    expect(row('all phases', 'services RSS MB, peak under load')).toMatchObject({
      baseline: 500,
      platform: 1200,
      verdict: 'not met',
    });
  });

  it('a relative budget is not measurable without the baseline, an absolute miss still fails', () => {
    const alone = buildRows({ platform });
    expect(alone.find((r) => r.phase === 'burst of 3,000' && r.figure === 'end-to-end jobs/s')?.verdict).toBe(
      'n/a',
    );
    const slow = buildRows({
      platform: { ...platform, phases: { burst: phase('burst', { jobsPerS: 900 }, 1) } },
    });
    expect(slow.find((r) => r.figure === 'end-to-end jobs/s')?.verdict).toBe('not met');
  });

  it('renders one markdown table with ratios and verdicts, and a CPU breakdown per stack', () => {
    const table = renderComparisonTable(rows);
    expect(table.split('\n')[0]).toMatch(/^\| phase +\| figure +\| Celery +\| platform +\| platform\/Celery/);
    expect(table).toMatch(/\| burst of 3,000 +\| end-to-end jobs\/s +\| 450 +\| 1,100 +\| x2\.44 better/);
    expect(table).toContain('not met');
    const cpu = renderCpuBreakdown(platform);
    expect(cpu.split('\n')[0]).toMatch(
      /\| phase +\| jobs \| lost \| api +\| loadgen \| all +\| machine \| load1/,
    );
    expect(cpu).toContain('1.0 -> 2.0');
    expect(budgetSummary(rows)).toMatch(/^budgets met: 3 of \d+/);
  });
});
