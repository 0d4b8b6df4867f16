import { useEffect, useState } from 'preact/hooks';
import type { Api, Problem } from '../api';
import { ProblemView, toProblem } from '../components';
import { TERMINAL, type Job } from '../types';

/** `GET /jobs/{id}/trace` (docs/api.md): the job's spans, offsets and durations in µs. */
export interface JobTrace {
  traceId: string;
  startedAt: string;
  durationUs: number;
  spanCount: number;
  spans: {
    spanId: string;
    parentSpanId: string | null;
    service: string;
    operation: string;
    startOffsetUs: number;
    durationUs: number;
    error: boolean;
  }[];
  uiUrl: string | null;
}

type TraceSpan = JobTrace['spans'][number];

/** Rows drawn at most (a long document job has thousands of spans; the API answers up to 2,000). */
const MAX_ROWS = 400;
/** Spans reach Jaeger in batches: a finished job's trace is read again this often while it is missing. */
const RETRY_MS = 2000;
const MAX_RETRIES = 15;

/** The spans in tree order (each after its parent, siblings by start) with their depth. */
export function treeOrder(spans: TraceSpan[]): { span: TraceSpan; depth: number }[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const ordered: { span: TraceSpan; depth: number }[] = [];
  const visit = (parent: string | null, depth: number): void => {
    for (const span of children.get(parent) ?? []) {
      ordered.push({ span, depth });
      // A cycle cannot come from Jaeger; the depth bound keeps a broken payload from looping.
      if (depth < 64) visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}

function duration(us: number): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(2)} s`;
  if (us >= 1000) return `${(us / 1000).toFixed(1)} ms`;
  return `${Math.round(us)} µs`;
}

/**
 * The job's trace as a waterfall of CSS bars (one row per span, indented under its parent, offset and
 * width on the trace's time scale), read once the job finished; with a link to Jaeger's UI when the
 * gateway has one configured.
 */
export function TraceWaterfall({ api, job }: { api: Api; job: Job }) {
  const [trace, setTrace] = useState<JobTrace | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reads, setReads] = useState(0);
  const finished = TERMINAL.has(job.status);

  useEffect(() => {
    if (!finished) return undefined;
    let stopped = false;
    let timer: number | undefined;
    let retries = 0;
    const read = (): void => {
      api.get<JobTrace>(`/jobs/${job.id}/trace`).then(
        (answer) => {
          if (stopped) return;
          setTrace(answer);
          setProblem(null);
        },
        (error: unknown) => {
          if (stopped) return;
          const answer = toProblem(error);
          setProblem(answer);
          if (answer.status === 404 && retries < MAX_RETRIES) {
            retries += 1;
            timer = window.setTimeout(read, RETRY_MS);
          }
        },
      );
    };
    read();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [api, job.id, job.run, finished, reads]);

  const rows = trace ? treeOrder(trace.spans) : [];
  const total = Math.max(1, trace?.durationUs ?? 1);
  return (
    <section aria-labelledby="trace-heading">
      <div class="heading-row">
        <h2 id="trace-heading">Trace</h2>
        {finished && (
          <button type="button" onClick={() => setReads((n) => n + 1)}>
            Read the trace again
          </button>
        )}
      </div>
      {!finished && <p class="muted">Drawn once the job has finished (spans reach Jaeger in batches).</p>}
      {finished &&
        problem &&
        !trace &&
        (problem.status === 404 || problem.status === 503 ? (
          // No trace yet, or no Jaeger to ask: a state of the deployment, not an error of the page.
          <p class="muted" data-testid="trace-unavailable">
            {problem.status === 404 ? 'No trace in Jaeger yet' : 'No trace to show'} ({problem.status}
            {problem.detail ? `: ${problem.detail}` : ''})
          </p>
        ) : (
          <ProblemView problem={problem} heading="The trace cannot be read" />
        ))}
      {trace && (
        <figure class="waterfall" data-testid="trace-waterfall">
          <figcaption>
            Trace <span class="mono">{trace.traceId}</span>: {trace.spanCount} spans over{' '}
            {duration(trace.durationUs)}
            {trace.spanCount > rows.length ? ` (the first ${rows.length} drawn)` : ''}
            {trace.uiUrl && (
              <>
                {' · '}
                <a href={trace.uiUrl} target="_blank" rel="noopener noreferrer">
                  Open in Jaeger
                </a>
              </>
            )}
          </figcaption>
          <ol aria-label="Spans">
            {rows.slice(0, MAX_ROWS).map(({ span, depth }) => {
              const left = (span.startOffsetUs / total) * 100;
              const width = Math.max(0.3, (span.durationUs / total) * 100);
              return (
                <li
                  key={span.spanId}
                  class={span.error ? 'span error' : 'span'}
                  data-span-id={span.spanId}
                  data-service={span.service}
                >
                  <span class="span-label" style={{ paddingLeft: `${Math.min(depth, 12) * 10}px` }}>
                    <strong>{span.service}</strong> {span.operation}
                    {span.error ? ' (error)' : ''}
                  </span>
                  <span class="track" aria-hidden="true">
                    <span
                      class={`bar service-${serviceClass(span.service)}`}
                      style={{
                        left: `${Math.min(left, 99.7)}%`,
                        width: `${Math.min(width, 100 - Math.min(left, 99.7))}%`,
                      }}
                    />
                  </span>
                  <span class="span-time">
                    +{duration(span.startOffsetUs)} · {duration(span.durationUs)}
                  </span>
                </li>
              );
            })}
          </ol>
        </figure>
      )}
    </section>
  );
}

/** One colour per known service; any other gets the default. */
function serviceClass(service: string): string {
  return ['gateway', 'scraper', 'risk', 'documents', 'projector'].includes(service) ? service : 'other';
}
