import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { query, roleAllows, type Api, type Caller, type Problem } from '../api';
import {
  ConfirmButton,
  Fact,
  Facts,
  Json,
  LiveIndicator,
  ProblemView,
  StatusBadge,
  TableHead,
  Time,
  toProblem,
  useTitle,
} from '../components';
import { follow, type StreamState } from '../sse';
import { TERMINAL, UUID, type Job, type JobEvent, type JobProgress, type LogLine } from '../types';
import { RiskResult } from './risk-result';
import { TraceWaterfall } from './trace-waterfall';

/**
 * One job, live: `GET /jobs/{id}/stream` gives the job, then its events (history first) as the
 * projector commits them, then `end`. Logs come from `GET /jobs/{id}/logs`, read again when a line is
 * reported.
 */
export function JobPage({ api, caller, id }: { api: Api; caller: Caller; id: string }) {
  useTitle(`Job ${id.slice(0, 8)}`);
  const [job, setJob] = useState<Job | null>(null);
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [logs, setLogs] = useState<LogLine[]>([]);
  const [follows, setFollows] = useState(0);
  const logTimer = useRef<number | undefined>(undefined);
  /** After a rerun: the run the page waits for (a stream that ends on an older run is opened again). */
  const awaitedRun = useRef(0);
  const refollow = useRef<number | undefined>(undefined);

  const jobTimer = useRef<number | undefined>(undefined);
  const loadJob = useCallback(() => {
    api.get<Job>(`/jobs/${id}`).then(
      (fresh) =>
        setJob((shown) =>
          shown !== null &&
          TERMINAL.has(shown.status) &&
          !TERMINAL.has(fresh.status) &&
          (fresh.run ?? 0) <= (shown.run ?? 0)
            ? shown
            : fresh,
        ),
      () => undefined,
    );
  }, [api, id]);

  const loadLogs = useCallback(() => {
    api.get<{ items: LogLine[] }>(`/jobs/${id}/logs${query({ limit: 200 })}`).then(
      (page) => setLogs(page.items),
      () => undefined,
    );
  }, [api, id]);

  useEffect(() => {
    if (!UUID.test(id)) {
      setProblem({ status: 404, title: 'Not Found', detail: `${id} is not a job id` });
      return undefined;
    }
    setProblem(null);
    // The stream sends the whole history first: start the timeline over (a re-follow after a rerun).
    setEvents([]);
    const seen = new Set<string>();
    const stop = follow(api, `/jobs/${id}/stream`, {
      resume: true,
      endEvent: 'end',
      onState: (state, error) => {
        setStreamState(state);
        if (error) setProblem(error.problem);
        if (state === 'ended') loadLogs();
      },
      onEvent: (event) => {
        if (event.event === 'job' || event.event === 'end') {
          const shown = JSON.parse(event.data) as Job;
          setJob(shown);
          // The rerun is not projected yet: this stream ended on the previous run; follow again.
          if (event.event === 'end' && (shown.run ?? 0) < awaitedRun.current) {
            refollow.current = window.setTimeout(() => setFollows((n) => n + 1), 500);
          }
          return;
        }
        if (event.event === 'reset') {
          seen.clear();
          return setEvents([]);
        }
        const item = JSON.parse(event.data) as JobEvent;
        if (seen.has(item.id)) return;
        seen.add(item.id);
        setEvents((current) => [...current, item]);
        if (item.type !== 'StageLogged' && item.type !== 'StageProgressed') {
          // The stream sends the job itself only first and last: read it again as its state moves.
          window.clearTimeout(jobTimer.current);
          jobTimer.current = window.setTimeout(loadJob, 200);
        }
        if (item.type === 'StageLogged') {
          // Several lines in a burst: read them once.
          window.clearTimeout(logTimer.current);
          logTimer.current = window.setTimeout(loadLogs, 300);
        }
      },
    });
    loadLogs();
    return () => {
      stop();
      window.clearTimeout(logTimer.current);
      window.clearTimeout(refollow.current);
      window.clearTimeout(jobTimer.current);
    };
  }, [api, id, follows, loadLogs, loadJob]);

  const act = async (method: string, path: string, done: string, body?: unknown): Promise<void> => {
    setActionProblem(null);
    setNotice(null);
    try {
      const answer = await api.request<{ run?: number } | null>(method, path, body);
      if (typeof answer?.run === 'number') awaitedRun.current = answer.run;
      setNotice(done);
      // A re-run adds events after `end`: follow the job again (seen events are not shown twice).
      setFollows((n) => n + 1);
    } catch (error: unknown) {
      setActionProblem(toProblem(error));
    }
  };

  if (problem && !job) {
    return (
      <section aria-labelledby="job-heading">
        <h1 id="job-heading">Job {id}</h1>
        <ProblemView problem={problem} heading="Could not open the job" />
      </section>
    );
  }
  if (!job) return <p role="status">Loading job {id}…</p>;

  const progress = currentProgress(job, events);
  return (
    <section aria-labelledby="job-heading" class="job">
      <p>
        <a href="#/jobs">← Jobs</a>
      </p>
      <div class="heading-row">
        <h1 id="job-heading">
          {job.type} job <span class="mono">{job.id}</span>
        </h1>
        <LiveIndicator state={streamState} />
      </div>
      <Facts>
        <Fact term="Status" testId="job-status">
          <StatusBadge status={job.status} />
        </Fact>
        <Fact term="Attempts">{job.attempts}</Fact>
        <Fact term="Run">{job.run ?? 0}</Fact>
        <Fact term="Priority">{job.priority}</Fact>
        <Fact term="Created">
          <Time iso={job.createdAt} />
        </Fact>
        <Fact term="Started">
          <Time iso={job.startedAt} />
        </Fact>
        <Fact term="Finished">
          <Time iso={job.finishedAt} />
        </Fact>
        <Fact term="Correlation id" mono>
          {job.correlationId}
        </Fact>
        {job.traceId && (
          <Fact term="Trace" mono>
            {job.traceId}
          </Fact>
        )}
      </Facts>

      {roleAllows(caller.role, 'member') && (
        <div class="actions" role="group" aria-label="Actions">
          <ConfirmButton
            label="Cancel job"
            danger
            question={`Cancel job ${job.id}? Stages stop its work and it ends CANCELLED.`}
            confirmLabel="Cancel the job"
            action={() => act('DELETE', `/jobs/${job.id}`, 'Cancellation requested')}
          />
          <ConfirmButton
            label="Rerun job"
            question={`Run job ${job.id} again from its first stage, as run ${(job.run ?? 0) + 1}?`}
            confirmLabel="Rerun"
            action={() => act('POST', `/jobs/${job.id}/retry`, 'Re-run requested')}
          />
          {roleAllows(caller.role, 'admin') && (job.stages ?? []).length > 0 && (
            <ReplayFromStage
              job={job}
              replay={(stage) =>
                act('POST', '/admin/replay', `Replay from ${stage} requested`, { stage, jobId: job.id })
              }
            />
          )}
        </div>
      )}
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {actionProblem && <ProblemView problem={actionProblem} />}

      {progress && !TERMINAL.has(job.status) && <ProgressBar progress={progress} />}
      {job.error && (
        <div class="problem" role="note">
          <strong>{job.error.code}</strong>: {job.error.message}
          {job.error.retryable ? ' (retryable)' : ''}
        </div>
      )}

      <div class="columns">
        <section aria-labelledby="input-heading">
          <h2 id="input-heading">Input</h2>
          <Json value={job.input} label="job input" />
        </section>
        <section aria-labelledby="result-heading">
          <h2 id="result-heading">Result</h2>
          {job.result === null ? (
            <p class="muted">{TERMINAL.has(job.status) ? 'No result.' : 'Not yet.'}</p>
          ) : (
            <>
              {job.type === 'risk' && <RiskResult result={job.result} />}
              <Json value={job.result} label="job result" />
            </>
          )}
        </section>
      </div>

      {job.stages && job.stages.length > 0 && <Stages job={job} />}
      <Timeline events={events} />
      <TraceWaterfall api={api} job={job} />
      <Logs lines={logs} />
    </section>
  );
}

/** Admin keys: run the job again from one of its stages (`POST /admin/replay` with the job's id). */
function ReplayFromStage({ job, replay }: { job: Job; replay: (stage: string) => Promise<void> }) {
  const stages = [...new Set((job.stages ?? []).map((stage) => stage.stage))];
  const [stage, setStage] = useState(stages[0] ?? '');
  return (
    <span class="replay">
      <label class="inline">
        Stage
        <select value={stage} onChange={(event) => setStage(event.currentTarget.value)}>
          {stages.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <ConfirmButton
        label="Replay from stage"
        question={`Run job ${job.id} again from its ${stage} stage (and the stages after it), as run ${(job.run ?? 0) + 1}?`}
        confirmLabel={`Replay from ${stage}`}
        action={() => replay(stage)}
      />
    </span>
  );
}

/** The latest progress report of the current attempt: the stream's newest, else the job's own. */
function currentProgress(job: Job, events: JobEvent[]): JobProgress | null {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if ((event.run ?? 0) !== (job.run ?? 0)) continue;
    if (event.type === 'StageProgressed' && typeof event.data.done === 'number') {
      return {
        stage: event.data.stage ?? '',
        attempt: event.data.attempt ?? 1,
        page: event.data.page ?? null,
        done: event.data.done,
        total: event.data.total ?? null,
        unit: event.data.unit ?? '',
        message: event.data.message ?? null,
        at: event.occurredAt,
      };
    }
  }
  return job.progress ?? null;
}

function ProgressBar({ progress }: { progress: JobProgress }) {
  const of = progress.total === null ? '' : ` of ${progress.total.toLocaleString()}`;
  const label =
    `${progress.stage}${progress.page === null ? '' : ` page ${progress.page}`}: ` +
    `${progress.done.toLocaleString()}${of} ${progress.unit}`;
  return (
    <div class="progress">
      <label>
        {label}
        <progress value={progress.done} max={progress.total ?? undefined} />
      </label>
      {progress.message && <p class="muted">{progress.message}</p>}
    </div>
  );
}

function Stages({ job }: { job: Job }) {
  return (
    <section aria-labelledby="stages-heading">
      <h2 id="stages-heading">Stages</h2>
      <div class="table-wrap">
        <table>
          <TableHead columns={['Stage', 'Status', 'Attempts', 'Version', 'Started', 'Finished', 'Error']} />
          <tbody>
            {(job.stages ?? []).map((stage) => (
              <tr key={stage.stage}>
                <td>{stage.stage}</td>
                <td>
                  <StatusBadge status={stage.status} />
                </td>
                <td>{stage.attempts}</td>
                <td class="mono">{stage.stageVersion}</td>
                <td>
                  <Time iso={stage.startedAt} />
                </td>
                <td>
                  <Time iso={stage.finishedAt} />
                </td>
                <td>{stage.error ? `${stage.error.code}: ${stage.error.message}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** What an event says, in a line. */
function describe(event: JobEvent): string {
  const data = event.data;
  switch (event.type) {
    case 'JobRequested':
      return `requested (${data.jobType ?? ''}, priority ${data.priority ?? 'normal'})`;
    case 'StageStarted':
      return 'started';
    case 'StageAttemptFailed':
      return `attempt failed: ${data.error?.code ?? ''} ${data.error?.message ?? ''}; retry at ${data.retryAt ?? '?'}`;
    case 'StageRetryScheduled':
      return `retry scheduled, not before ${data.notBefore ?? '?'}`;
    case 'StageCompleted':
      return 'completed';
    case 'StageFailed':
      return `failed: ${data.error?.code ?? ''} ${data.error?.message ?? ''}`;
    case 'StageProgressed':
      return `progress ${data.done ?? 0}${data.total == null ? '' : ` of ${data.total}`} ${data.unit ?? ''}`;
    case 'StageLogged':
      return `log ${data.level ?? ''}: ${data.message ?? ''}`;
    case 'JobCancelRequested':
      return `cancel requested${data.reason ? `: ${data.reason}` : ''}`;
    default:
      return '';
  }
}

/** The job's events in the order they became visible, each with its stage, attempt and run. */
function Timeline({ events }: { events: JobEvent[] }) {
  const [showReports, setShowReports] = useState(true);
  const shown = showReports
    ? events
    : events.filter((event) => event.type !== 'StageProgressed' && event.type !== 'StageLogged');
  return (
    <section aria-labelledby="timeline-heading">
      <div class="heading-row">
        <h2 id="timeline-heading">Timeline</h2>
        <label class="inline">
          <input
            type="checkbox"
            checked={showReports}
            onChange={(event) => setShowReports(event.currentTarget.checked)}
          />
          Progress and log events
        </label>
      </div>
      {shown.length === 0 ? (
        <p class="muted">No events yet.</p>
      ) : (
        <ol class="timeline" aria-label="Events of the job">
          {shown.map((event) => (
            <li key={event.id} class={`event event-${event.type}`} data-event-type={event.type}>
              <Time iso={event.occurredAt} />
              <span class="event-type">{event.type}</span>
              {event.data.stage && <span class="tag">{event.data.stage}</span>}
              {event.data.attempt !== undefined && <span class="tag">attempt {event.data.attempt}</span>}
              {event.data.page !== undefined && <span class="tag">page {event.data.page}</span>}
              {(event.run ?? 0) > 0 && <span class="tag">run {event.run}</span>}
              <span class="event-text">{describe(event)}</span>
              {event.actor && (
                <span class="muted">
                  {' '}
                  by {event.actor.keyId} ({event.actor.role}, {event.actor.tenant})
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Logs({ lines }: { lines: LogLine[] }) {
  return (
    <section aria-labelledby="logs-heading">
      <h2 id="logs-heading">Logs</h2>
      {lines.length === 0 ? (
        <p class="muted">No log lines.</p>
      ) : (
        <div class="table-wrap">
          <table class="logs">
            <TableHead columns={['At', 'Run', 'Stage', 'Attempt', 'Level', 'Message']} />
            <tbody>
              {lines.map((line) => (
                <tr key={line.id} class={`level-${line.level}`}>
                  <td>
                    <Time iso={line.at} />
                  </td>
                  <td>{line.run}</td>
                  <td>
                    {line.stage}
                    {line.page === null ? '' : ` p${line.page}`}
                  </td>
                  <td>{line.attempt}</td>
                  <td>{line.level}</td>
                  <td>{line.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
