import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { query, type Api, type Problem } from '../api';
import {
  ConfirmButton,
  Fact,
  Facts,
  Json,
  LiveIndicator,
  ProblemView,
  TableHead,
  Time,
  toProblem,
  useTitle,
} from '../components';
import { jobHref } from '../router';
import { follow, type StreamState } from '../sse';
import { TERMINAL, type Job } from '../types';
import { ThroughputHistory } from './throughput-history';

/** How often the page reads the consumer groups and the projection status again. */
const REFRESH_MS = 5000;
/** While a rebuild runs, its progress is read every second. */
const REBUILD_REFRESH_MS = 1000;

interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: string | null;
  endOffset: string;
  lag: number;
}

interface ConsumerGroup {
  groupId: string;
  state: string;
  members: { memberId: string; clientId: string; host: string }[];
  partitions: PartitionLag[];
  totalLag: number;
}

interface DeadLetter {
  id: string;
  reason: string;
  source: { topic: string; partition: number; offset: string; group: string };
  jobId: string | null;
  detail: string;
  attempts: number | null;
  failedAt: string;
  redrivenAt: string | null;
  redriveCount: number;
}

interface ProjectionStatus {
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  eventsRead?: number;
  eventsApplied?: number;
  eventsTotal?: number | null;
  progress?: number | null;
  eventsPerSecond?: number | null;
  error?: string | null;
  lag?: { group: string; total: number };
}

/** Admin only: consumer groups and their lag, the dead-letter queue, and the projection rebuild. */
export function OperationsPage({ api }: { api: Api }) {
  useTitle('Operations');
  return (
    <section aria-labelledby="ops-heading">
      <h1 id="ops-heading">Operations</h1>
      <Throughput api={api} />
      <Projections api={api} />
      <DeadLetters api={api} />
      <ConsumerGroups api={api} />
    </section>
  );
}

/** Calls `load` now and every `ms` while mounted (and `ms` is not null). */
function usePolling(load: () => void, ms: number | null): void {
  useEffect(() => {
    load();
    if (ms === null) return undefined;
    const timer = window.setInterval(load, ms);
    return () => window.clearInterval(timer);
  }, [load, ms]);
}

function Projections({ api }: { api: Api }) {
  const [status, setStatus] = useState<ProjectionStatus | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const load = useCallback(() => {
    api.get<ProjectionStatus>('/admin/projections').then(
      (next) => {
        setStatus(next);
        setProblem(null);
      },
      (error: unknown) => setProblem(toProblem(error)),
    );
  }, [api]);
  const running = status?.state === 'running' || status?.state === 'swapping';
  usePolling(load, running ? REBUILD_REFRESH_MS : REFRESH_MS);

  const rebuild = async (): Promise<void> => {
    setActionProblem(null);
    try {
      setStatus(await api.request<ProjectionStatus>('POST', '/admin/projections/rebuild'));
    } catch (error: unknown) {
      setActionProblem(toProblem(error));
    }
  };
  const percent = status?.progress == null ? null : Math.round(status.progress * 100);
  return (
    <section aria-labelledby="projections-heading">
      <h2 id="projections-heading">Read models</h2>
      {problem && <ProblemView problem={problem} heading="Projection status unavailable" />}
      {status && (
        <Facts>
          <Fact term="Rebuild" testId="rebuild-state">
            {status.state}
          </Fact>
          <Fact term="Started">
            <Time iso={status.startedAt} />
          </Fact>
          <Fact term="Finished">
            <Time iso={status.finishedAt} />
          </Fact>
          <Fact term="Events applied">
            {(status.eventsApplied ?? 0).toLocaleString()}
            {status.eventsTotal == null ? '' : ` of ${status.eventsTotal.toLocaleString()}`}
          </Fact>
          <Fact term="Events/s">
            {status.eventsPerSecond == null ? '–' : Math.round(status.eventsPerSecond).toLocaleString()}
          </Fact>
          <Fact term="Projector lag">{status.lag ? status.lag.total.toLocaleString() : '–'}</Fact>
        </Facts>
      )}
      {running && (
        <div class="progress">
          <label>
            Rebuild progress{percent === null ? '' : `: ${percent} %`}
            <progress value={status?.progress ?? undefined} max={1} />
          </label>
        </div>
      )}
      {status?.error && (
        <ProblemView problem={{ status: 0, title: 'Rebuild failed', detail: status.error }} />
      )}
      <div class="actions">
        <ConfirmButton
          label="Rebuild read models"
          disabled={running}
          question="Replay every event topic into fresh read models and swap them in? The API keeps serving the current ones meanwhile."
          confirmLabel="Rebuild"
          action={rebuild}
        />
      </div>
      {actionProblem && <ProblemView problem={actionProblem} heading="Rebuild not started" />}
    </section>
  );
}

function DeadLetters({ api }: { api: Api }) {
  const [reason, setReason] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const [page, setPage] = useState<{ items: DeadLetter[]; nextCursor: string | null } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [outcome, setOutcome] = useState<{ id: string; text: string } | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    api
      .get<{ items: DeadLetter[]; nextCursor: string | null }>(
        `/admin/dlq${query({ reason, cursor, limit: 20 })}`,
      )
      .then(
        (next) => {
          setPage(next);
          setProblem(null);
        },
        (error: unknown) => setProblem(toProblem(error)),
      );
  }, [api, reason, cursor, reloads]);

  const redrive = async (entry: DeadLetter): Promise<void> => {
    setOutcome(null);
    setProblem(null);
    try {
      const answer = await api.request<DeadLetter & { alreadyRedriven: boolean }>(
        'POST',
        `/admin/dlq/${entry.id}/redrive`,
      );
      setOutcome({
        id: entry.id,
        text: answer.alreadyRedriven ? 'Already redriven before: nothing sent' : 'Redriven',
      });
      setReloads((n) => n + 1);
    } catch (error: unknown) {
      setProblem(toProblem(error));
    }
  };

  return (
    <section aria-labelledby="dlq-heading">
      <div class="heading-row">
        <h2 id="dlq-heading">Dead letters</h2>
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh dead letters
        </button>
      </div>
      <form class="filters" aria-label="Filter dead letters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Reason
          <select
            value={reason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setCursor(null);
            }}
          >
            <option value="">any</option>
            <option value="invalidMessage">invalidMessage</option>
            <option value="retriesExhausted">retriesExhausted</option>
            <option value="unprojectable">unprojectable</option>
          </select>
        </label>
      </form>
      {outcome && (
        <p role="status" class="notice">
          {outcome.text} ({outcome.id.slice(0, 8)})
        </p>
      )}
      {problem && <ProblemView problem={problem} />}
      {page && page.items.length === 0 && <p class="muted">No dead letters.</p>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table aria-label="Dead letters">
            <TableHead
              columns={['Failed', 'Reason', 'Group', 'Source', 'Job', 'Redriven', 'Action', 'Detail']}
            />
            <tbody>
              {page.items.map((entry) => (
                <tr key={entry.id} data-dead-letter-id={entry.id}>
                  <td>
                    <Time iso={entry.failedAt} />
                  </td>
                  <td>{entry.reason}</td>
                  <td>{entry.source.group}</td>
                  <td class="mono">
                    {entry.source.topic}/{entry.source.partition}/{entry.source.offset}
                  </td>
                  <td>
                    {entry.jobId ? (
                      <a class="mono" href={jobHref(entry.jobId)} title={entry.jobId}>
                        {entry.jobId.slice(0, 8)}
                      </a>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td>{entry.redrivenAt ? <Time iso={entry.redrivenAt} /> : 'no'}</td>
                  <td>
                    <ConfirmButton
                      label="Redrive"
                      question={`Send dead letter ${entry.id} back (${entry.reason === 'retriesExhausted' ? 're-runs its job from the stage that gave up' : `to ${entry.source.topic}`})?`}
                      confirmLabel="Redrive"
                      action={() => redrive(entry)}
                    />
                  </td>
                  <td>
                    <details>
                      <summary>{entry.detail.slice(0, 80)}</summary>
                      <Json value={entry} label="dead letter" />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (page.nextCursor !== null || cursor !== null) && (
        <nav class="pager" aria-label="Pages of dead letters">
          <button type="button" disabled={cursor === null} onClick={() => setCursor(null)}>
            ← Newest
          </button>
          <button
            type="button"
            disabled={page.nextCursor === null}
            onClick={() => setCursor(page.nextCursor)}
          >
            Older →
          </button>
        </nav>
      )}
    </section>
  );
}

/** Total lag of each group over the last few minutes, for the sparkline. */
const HISTORY = 60;

function ConsumerGroups({ api }: { api: Api }) {
  const [groups, setGroups] = useState<ConsumerGroup[] | null>(null);
  const [sampledAt, setSampledAt] = useState<string | null>(null);
  const [history, setHistory] = useState<Record<string, number[]>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = useCallback(() => {
    api.get<{ sampledAt: string; groups: ConsumerGroup[] }>('/admin/consumer-groups').then(
      (answer) => {
        setGroups(answer.groups);
        setSampledAt(answer.sampledAt);
        setProblem(null);
        setHistory((current) => {
          const next: Record<string, number[]> = {};
          for (const group of answer.groups) {
            next[group.groupId] = [...(current[group.groupId] ?? []), group.totalLag].slice(-HISTORY);
          }
          return next;
        });
      },
      (error: unknown) => setProblem(toProblem(error)),
    );
  }, [api]);
  usePolling(load, REFRESH_MS);

  return (
    <section aria-labelledby="groups-heading">
      <div class="heading-row">
        <h2 id="groups-heading">Consumer groups</h2>
        {sampledAt && (
          <span class="muted">
            sampled <Time iso={sampledAt} />, every {REFRESH_MS / 1000} s
          </span>
        )}
      </div>
      {problem && <ProblemView problem={problem} heading="Consumer groups unavailable" />}
      {groups && (
        <div class="table-wrap">
          <table aria-label="Consumer groups">
            <TableHead columns={['Group', 'State', 'Members', 'Lag', 'Lag, recent', 'Partitions']} />
            <tbody>
              {groups.map((group) => (
                <tr key={group.groupId} data-group-id={group.groupId}>
                  <td class="mono">{group.groupId}</td>
                  <td>{group.state}</td>
                  <td title={group.members.map((member) => member.clientId).join(', ')}>
                    {group.members.length}
                  </td>
                  <td>{group.totalLag.toLocaleString()}</td>
                  <td>
                    <Sparkline
                      values={history[group.groupId] ?? []}
                      label={`Recent lag of ${group.groupId}`}
                    />
                  </td>
                  <td>
                    <details>
                      <summary>{group.partitions.length} partitions</summary>
                      <table>
                        <TableHead columns={['Topic', 'Partition', 'Committed', 'End', 'Lag']} />
                        <tbody>
                          {group.partitions.map((partition) => (
                            <tr key={`${partition.topic}/${partition.partition}`}>
                              <td class="mono">{partition.topic}</td>
                              <td>{partition.partition}</td>
                              <td>{partition.committedOffset ?? '–'}</td>
                              <td>{partition.endOffset}</td>
                              <td>{partition.lag}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A small line of the last samples (an image with its numbers as its label). */
function Sparkline({ values, label }: { values: number[]; label: string }) {
  const width = 120;
  const height = 24;
  if (values.length < 2) return <span class="muted">–</span>;
  const max = Math.max(1, ...values);
  const step = width / (HISTORY - 1);
  const offset = width - step * (values.length - 1);
  const points = values
    .map(
      (value, index) =>
        `${(offset + index * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      role="img"
      aria-label={`${label}: ${values.join(', ')}`}
    >
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

/** Seconds of history the throughput chart shows. */
const CHART_SECONDS = 120;
/** Jobs/s is averaged over this many seconds; p50/p99 are of the jobs finished in the last minute. */
const RATE_WINDOW_S = 10;
const LATENCY_WINDOW_S = 60;

interface Finished {
  at: number;
  latencyMs: number;
}

/** The q-quantile (0..1) of sorted numbers, nearest rank. */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Jobs finished per second and their end-to-end latency (finishedAt - createdAt, p50/p99), measured
 * from `GET /jobs/stream` since the page opened: every job the key sees, as the projector commits it.
 */
function Throughput({ api }: { api: Api }) {
  const finished = useRef<Finished[]>([]);
  const counted = useRef(new Set<string>());
  const [state, setState] = useState<StreamState>('connecting');
  const [series, setSeries] = useState<number[]>([]);
  const [stats, setStats] = useState({
    total: 0,
    rate: 0,
    p50: null as number | null,
    p99: null as number | null,
  });

  useEffect(
    () =>
      follow(api, '/jobs/stream', {
        onState: setState,
        onEvent: (event) => {
          if (event.event !== 'job') return;
          const job = JSON.parse(event.data) as Job;
          if (!TERMINAL.has(job.status) || job.finishedAt === null) return;
          const key = `${job.id}:${job.run ?? 0}`;
          if (counted.current.has(key)) return;
          counted.current.add(key);
          const at = Date.parse(job.finishedAt);
          finished.current.push({ at, latencyMs: Math.max(0, at - Date.parse(job.createdAt)) });
        },
      }),
    [api],
  );

  useEffect(() => {
    const timer = window.setInterval(() => {
      const now = Date.now();
      const recent = finished.current.filter((item) => item.at > now - CHART_SECONDS * 1000);
      finished.current = recent;
      const inRate = recent.filter((item) => item.at > now - RATE_WINDOW_S * 1000).length;
      const latencies = recent
        .filter((item) => item.at > now - LATENCY_WINDOW_S * 1000)
        .map((item) => item.latencyMs)
        .sort((a, b) => a - b);
      setStats({
        total: counted.current.size,
        rate: inRate / RATE_WINDOW_S,
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
      });
      setSeries((current) => [...current, inRate / RATE_WINDOW_S].slice(-CHART_SECONDS));
    }, 1000);
    return () => window.clearInterval(timer);
  }, []);

  const ms = (value: number | null): string =>
    value === null ? '–' : `${Math.round(value).toLocaleString()} ms`;
  return (
    <section aria-labelledby="throughput-heading">
      <div class="heading-row">
        <h2 id="throughput-heading">Throughput and latency</h2>
        <LiveIndicator state={state} />
      </div>
      <Facts>
        <Fact term="Jobs finished since the page opened" testId="jobs-finished">
          {stats.total}
        </Fact>
        <Fact term={`Jobs/s (last ${RATE_WINDOW_S} s)`} testId="jobs-per-second">
          {stats.rate.toFixed(1)}
        </Fact>
        <Fact term={`p50 end to end (last ${LATENCY_WINDOW_S} s)`} testId="latency-p50">
          {ms(stats.p50)}
        </Fact>
        <Fact term={`p99 end to end (last ${LATENCY_WINDOW_S} s)`} testId="latency-p99">
          {ms(stats.p99)}
        </Fact>
      </Facts>
      <LineChart values={series} label="Jobs finished per second, one point a second" />
      <ThroughputHistory api={api} />
    </section>
  );
}

/** A line over the last CHART_SECONDS points, scaled to its maximum. */
function LineChart({ values, label }: { values: number[]; label: string }) {
  const width = 600;
  const height = 80;
  const max = Math.max(1, ...values);
  const step = width / (CHART_SECONDS - 1);
  const offset = width - step * (values.length - 1);
  const points = values
    .map(
      (value, index) =>
        `${(offset + index * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${label}; peak ${max.toFixed(1)} jobs/s`}
      >
        <line x1="0" y1={height - 1} x2={width} y2={height - 1} class="axis" />
        {values.length > 1 && <polyline points={points} fill="none" stroke="currentColor" stroke-width="2" />}
      </svg>
      <figcaption class="muted">
        {label}; scale 0 to {max.toFixed(1)} jobs/s
      </figcaption>
    </figure>
  );
}
