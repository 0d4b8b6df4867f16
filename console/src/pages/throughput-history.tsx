import { useCallback, useEffect, useState } from 'preact/hooks';
import { query, type Api, type Problem } from '../api';
import { ProblemView, toProblem } from '../components';

/** `GET /admin/throughput` (docs/api.md). */
interface ThroughputAnswer {
  minutes: number;
  bucketSeconds: number;
  from: string;
  to: string;
  sampledAt: string;
  series: {
    type: string;
    buckets: {
      start: string;
      finished: number;
      perSecond: number;
      p50Ms: number | null;
      p99Ms: number | null;
    }[];
  }[];
}

/** How often the charts are read again. */
const REFRESH_MS = 5000;
const WINDOWS = [5, 15, 60] as const;

const CHART = { width: 640, height: 140, left: 44, right: 8, top: 8, bottom: 20 };

interface Line {
  name: string;
  className: string;
  /** One value per interval; null leaves a gap. */
  values: (number | null)[];
}

/** Lines over the window's intervals on one scale from 0 to their maximum, with that maximum marked. */
function LinesChart({
  lines,
  unit,
  label,
  testId,
}: {
  lines: Line[];
  unit: string;
  label: string;
  testId: string;
}) {
  const count = Math.max(1, ...lines.map((line) => line.values.length));
  const max = Math.max(1e-9, ...lines.flatMap((line) => line.values.filter((v): v is number => v !== null)));
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const x = (i: number): number => CHART.left + (count === 1 ? 0 : (i / (count - 1)) * plotWidth);
  const y = (v: number): number => CHART.top + plotHeight - (v / max) * plotHeight;
  /** Runs of non-null values as polylines (a gap where no job finished). */
  const paths = (values: (number | null)[]): string[] => {
    const runs: string[] = [];
    let current: string[] = [];
    values.forEach((value, i) => {
      if (value === null) {
        if (current.length > 0) runs.push(current.join(' '));
        current = [];
      } else current.push(`${x(i).toFixed(1)},${y(value).toFixed(1)}`);
    });
    if (current.length > 0) runs.push(current.join(' '));
    return runs;
  };
  const top = max >= 100 ? Math.round(max).toLocaleString() : max.toFixed(max >= 10 ? 0 : 1);
  return (
    <figure class="chart">
      <svg
        class="tall"
        viewBox={`0 0 ${CHART.width} ${CHART.height}`}
        role="img"
        aria-label={`${label}; peak ${top} ${unit}`}
        data-testid={testId}
      >
        <line class="axis" x1={CHART.left} x2={CHART.width - CHART.right} y1={y(0)} y2={y(0)} />
        <text class="tick" x={CHART.left - 4} y={CHART.top + 10} text-anchor="end">
          {top}
        </text>
        <text class="tick" x={CHART.left - 4} y={y(0)} text-anchor="end">
          0
        </text>
        {lines.map((line) =>
          paths(line.values).map((points, i) =>
            points.includes(' ') ? (
              <polyline
                key={`${line.name}-${i}`}
                class={`line ${line.className}`}
                points={points}
                data-line={line.name}
              />
            ) : (
              <circle
                key={`${line.name}-${i}`}
                class={`line ${line.className}`}
                cx={points.split(',')[0]}
                cy={points.split(',')[1]}
                r="2"
                data-line={line.name}
              />
            ),
          ),
        )}
      </svg>
      <figcaption>
        {label} ({unit}):{' '}
        {lines.map((line) => (
          <span key={line.name} class={`legend ${line.className}`}>
            {line.name}{' '}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

const TYPE_CLASSES: Record<string, string> = { all: 'c0', scrape: 'c1', risk: 'c2', document: 'c3' };

/**
 * Jobs finished per second per type and the end-to-end p50/p99 of all types, per interval of the
 * last 5, 15 or 60 minutes, from the read model (`GET /admin/throughput`), read every 5 s.
 */
export function ThroughputHistory({ api }: { api: Api }) {
  const [minutes, setMinutes] = useState<number>(15);
  const [answer, setAnswer] = useState<ThroughputAnswer | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = useCallback(() => {
    api.get<ThroughputAnswer>(`/admin/throughput${query({ minutes })}`).then(
      (next) => {
        setAnswer(next);
        setProblem(null);
      },
      (error: unknown) => setProblem(toProblem(error)),
    );
  }, [api, minutes]);
  useEffect(() => {
    load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const all = answer?.series.find((series) => series.type === 'all');
  const finished = all ? all.buckets.reduce((sum, bucket) => sum + bucket.finished, 0) : 0;
  const rateLines: Line[] = (answer?.series ?? [])
    .filter((series) => series.type === 'all' || series.buckets.some((bucket) => bucket.finished > 0))
    .map((series) => ({
      name: series.type,
      className: TYPE_CLASSES[series.type] ?? 'c4',
      values: series.buckets.map((bucket) => bucket.perSecond),
    }));
  const latencyLines: Line[] = all
    ? [
        { name: 'p50', className: 'c1', values: all.buckets.map((bucket) => bucket.p50Ms) },
        { name: 'p99', className: 'c5', values: all.buckets.map((bucket) => bucket.p99Ms) },
      ]
    : [];
  const latestP99 = all
    ? ([...all.buckets].reverse().find((bucket) => bucket.p99Ms !== null)?.p99Ms ?? null)
    : null;
  return (
    <div class="throughput-history" data-testid="throughput-history">
      <div class="heading-row">
        <h3>Last {minutes} minutes, from the read model</h3>
        <label class="inline">
          Window
          <select value={String(minutes)} onChange={(event) => setMinutes(Number(event.currentTarget.value))}>
            {WINDOWS.map((value) => (
              <option key={value} value={String(value)}>
                {value} min
              </option>
            ))}
          </select>
        </label>
      </div>
      {problem && <ProblemView problem={problem} heading="Could not read the throughput" />}
      {answer && (
        <>
          <p class="muted">
            <span data-testid="history-finished">{finished}</span> jobs finished in {answer.minutes} min
            (intervals of {answer.bucketSeconds} s); latest p99 end to end:{' '}
            <span data-testid="history-p99">
              {latestP99 === null ? '–' : `${Math.round(latestP99).toLocaleString()} ms`}
            </span>
          </p>
          <LinesChart
            lines={rateLines}
            unit="jobs/s"
            label="Jobs finished per second, by type"
            testId="throughput-chart"
          />
          <LinesChart
            lines={latencyLines}
            unit="ms"
            label="End-to-end latency (finishedAt − createdAt), all types"
            testId="latency-chart"
          />
        </>
      )}
    </div>
  );
}
