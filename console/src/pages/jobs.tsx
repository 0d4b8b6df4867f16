import { useEffect, useState } from 'preact/hooks';
import { query, roleAllows, type Api, type Caller, type Problem } from '../api';
import { LiveIndicator, ProblemView, StatusBadge, TableHead, Time, toProblem, useTitle } from '../components';
import { jobHref } from '../router';
import { follow, type StreamState } from '../sse';
import { JOB_PRIORITIES, JOB_STATUSES, JOB_TYPES, UUID, type Job, type JobPage } from '../types';

const PAGE_SIZE = 25;

/** The jobs the key may see, newest first, live: `GET /jobs` for a page, `GET /jobs/stream` for changes. */
export function JobsPage({ api, caller }: { api: Api; caller: Caller }) {
  useTitle('Jobs');
  const [type, setType] = useState('');
  const [status, setStatus] = useState('');
  const [priority, setPriority] = useState('');
  const [correlationId, setCorrelationId] = useState('');
  /** `datetime-local` values (the browser's time zone), '' for no bound. */
  const [createdAfter, setCreatedAfter] = useState('');
  const [createdBefore, setCreatedBefore] = useState('');
  const filters = {
    type,
    status,
    priority,
    correlationId,
    createdAfter: isoOf(createdAfter),
    createdBefore: isoOf(createdBefore),
  };
  const filterKey = JSON.stringify(filters);
  /** Cursors of the pages before this one (the first page has none). */
  const [cursors, setCursors] = useState<(string | null)[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [page, setPage] = useState<JobPage | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setProblem(null);
    api
      .get<JobPage>(`/jobs${query({ ...filters, limit: PAGE_SIZE, cursor })}`, {
        signal: controller.signal,
      })
      .then(setPage, (error: unknown) => {
        if (!controller.signal.aborted) setProblem(toProblem(error));
      });
    return () => controller.abort();
  }, [api, filterKey, cursor, reloads]);

  useEffect(() => {
    const firstPage = cursor === null;
    return follow(api, `/jobs/stream${query({ type, status })}`, {
      onState: setStreamState,
      // The jobs stream has no resume: read the page again for what a drop missed.
      onReconnect: () => setReloads((n) => n + 1),
      onEvent: (event) => {
        if (event.event !== 'job') return;
        const job = JSON.parse(event.data) as Job;
        setPage((current) => {
          if (current === null) return current;
          const index = current.items.findIndex((item) => item.id === job.id);
          if (index >= 0) {
            const items = current.items.slice();
            items[index] = job;
            return { ...current, items };
          }
          // New jobs appear on the first page only, and only if the filters the stream does not
          // apply (priority, correlation id, creation time) take them; later pages keep their place.
          return firstPage && matches(job, filters)
            ? { ...current, items: [job, ...current.items] }
            : current;
        });
      },
    });
  }, [api, filterKey, cursor]);

  const restart = (): void => {
    setCursors([]);
    setCursor(null);
  };

  return (
    <section aria-labelledby="jobs-heading">
      <div class="heading-row">
        <h1 id="jobs-heading">Jobs</h1>
        <LiveIndicator state={streamState} />
      </div>
      {roleAllows(caller.role, 'member') && <SubmitJobForm api={api} />}
      <div class="toolbar">
        <form class="filters" aria-label="Filter jobs" onSubmit={(event) => event.preventDefault()}>
          <FilterSelect
            label="Type"
            value={type}
            options={JOB_TYPES}
            onChange={(value) => {
              setType(value);
              restart();
            }}
          />
          <FilterSelect
            label="Status"
            value={status}
            options={JOB_STATUSES}
            onChange={(value) => {
              setStatus(value);
              restart();
            }}
          />
          <FilterSelect
            label="Priority"
            value={priority}
            options={JOB_PRIORITIES}
            onChange={(value) => {
              setPriority(value);
              restart();
            }}
          />
          <TimeFilter
            label="Created after"
            value={createdAfter}
            onChange={(value) => {
              setCreatedAfter(value);
              restart();
            }}
          />
          <TimeFilter
            label="Created before"
            value={createdBefore}
            onChange={(value) => {
              setCreatedBefore(value);
              restart();
            }}
          />
          {correlationId && (
            <p class="active-filter">
              Correlation id <code>{correlationId}</code>{' '}
              <button
                type="button"
                onClick={() => {
                  setCorrelationId('');
                  restart();
                }}
              >
                Clear
              </button>
            </p>
          )}
        </form>
        <JobSearch
          api={api}
          onCorrelationId={(id) => {
            setCorrelationId(id);
            restart();
          }}
        />
      </div>
      {problem && <ProblemView problem={problem} heading="Could not list jobs" />}
      {page && (
        <>
          <div class="table-wrap">
            <table class="jobs">
              <caption class="visually-hidden">Jobs, newest first</caption>
              <TableHead
                columns={[
                  'Job',
                  'Type',
                  'Status',
                  'Priority',
                  'Attempts',
                  'Created',
                  'Finished',
                  ...(caller.role === 'admin' ? ['Tenant'] : []),
                ]}
              />
              <tbody>
                {page.items.map((job) => (
                  <tr key={job.id} data-job-id={job.id}>
                    <td>
                      <a href={jobHref(job.id)} class="mono" title={job.id}>
                        {job.id.slice(0, 8)}
                      </a>
                    </td>
                    <td>{job.type}</td>
                    <td>
                      <StatusBadge status={job.status} />
                    </td>
                    <td>{job.priority}</td>
                    <td>{job.attempts}</td>
                    <td>
                      <Time iso={job.createdAt} />
                    </td>
                    <td>
                      <Time iso={job.finishedAt} />
                    </td>
                    {caller.role === 'admin' && <td>{job.tenantId}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {page.items.length === 0 && (
            <p class="muted">No jobs {Object.values(filters).some(Boolean) ? 'match' : 'yet'}.</p>
          )}
          <nav class="pager" aria-label="Pages of jobs">
            <button
              type="button"
              disabled={cursors.length === 0}
              onClick={() => {
                const previous = cursors.slice(0, -1);
                setCursor(cursors[cursors.length - 1] ?? null);
                setCursors(previous);
              }}
            >
              ← Newer
            </button>
            <span>Page {cursors.length + 1}</span>
            <button
              type="button"
              disabled={page.nextCursor === null}
              onClick={() => {
                setCursors([...cursors, cursor]);
                setCursor(page.nextCursor);
              }}
            >
              Older →
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

/** One filter of the list: a labelled select whose empty choice is "any". */
function FilterSelect(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
        <option value="">any</option>
        {props.options.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A creation-time bound of the list, in the browser's time zone ('' for none). */
function TimeFilter(props: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label>
      {props.label}
      <input
        type="datetime-local"
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      />
    </label>
  );
}

/**
 * Go to a job by its id, or list the jobs of a correlation id: a UUID is tried as a job id first (the
 * gateway makes correlation ids that are UUIDs too), anything else is taken as a correlation id.
 */
function JobSearch({ api, onCorrelationId }: { api: Api; onCorrelationId: (id: string) => void }) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  return (
    <form
      class="search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        const value = text.trim();
        if (!CORRELATION_ID.test(value)) return setInvalid(true);
        setInvalid(false);
        setProblem(null);
        if (!UUID.test(value)) return onCorrelationId(value);
        const id = value.toLowerCase();
        api.get<Job>(`/jobs/${id}`).then(
          () => (location.hash = jobHref(id)),
          (error: unknown) => {
            const found = toProblem(error);
            if (found.status === 404) onCorrelationId(value);
            else setProblem(found);
          },
        );
      }}
    >
      <label>
        Job or correlation id
        <input
          type="search"
          value={text}
          placeholder="6f0c7c1e-… or my-req-1"
          aria-invalid={invalid}
          aria-describedby={invalid ? 'search-error' : undefined}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </label>
      <button type="submit">Find</button>
      {invalid && (
        <span id="search-error" class="field-error">
          A job id is a UUID; a correlation id is 1-128 letters, digits and . _ : -
        </span>
      )}
      {problem && <ProblemView problem={problem} heading="Could not look the job up" />}
    </form>
  );
}

/** What `GET /jobs?correlationId=` takes (CORRELATION_ID_PATTERN of the API). */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A `datetime-local` value (the browser's zone) as an RFC 3339 time, or undefined for none. */
function isoOf(local: string): string | undefined {
  if (local === '') return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** Whether a job from the live stream belongs in the list under the filters the stream does not apply. */
function matches(
  job: Job,
  filters: { priority: string; correlationId: string; createdAfter?: string; createdBefore?: string },
): boolean {
  if (filters.priority && job.priority !== filters.priority) return false;
  if (filters.correlationId && job.correlationId !== filters.correlationId) return false;
  if (filters.createdAfter && job.createdAt < filters.createdAfter) return false;
  if (filters.createdBefore && job.createdAt >= filters.createdBefore) return false;
  return true;
}

const RISK_EXAMPLE = JSON.stringify(
  {
    method: 'monte_carlo',
    confidence: 0.99,
    horizonDays: 1,
    simulations: 20_000,
    seed: 7,
    positions: [{ symbol: 'AAA', quantity: 100, price: 10 }],
    returns: { AAA: Array.from({ length: 30 }, (_, i) => Math.round(Math.sin(i) * 200) / 10_000) },
  },
  null,
  2,
);

/** `POST /jobs` for a member or admin key: a scrape by URL, or a risk job's input as JSON. */
function SubmitJobForm({ api }: { api: Api }) {
  const [type, setType] = useState<'scrape' | 'risk'>('scrape');
  const [url, setUrl] = useState('');
  const [riskInput, setRiskInput] = useState(RISK_EXAMPLE);
  const [priority, setPriority] = useState('normal');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [submitted, setSubmitted] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    setProblem(null);
    setSubmitted(null);
    let input: unknown;
    if (type === 'scrape') input = { url: url.trim() };
    else {
      try {
        input = JSON.parse(riskInput);
      } catch (error: unknown) {
        setProblem({ status: 0, title: 'Not JSON', detail: error instanceof Error ? error.message : '' });
        return;
      }
    }
    setBusy(true);
    try {
      const accepted = await api.request<{ id: string }>('POST', '/jobs', { type, input, priority });
      setSubmitted(accepted.id);
    } catch (error: unknown) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="submit-job">
      <summary>New job</summary>
      <form
        aria-label="New job"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label>
          Job type
          <select value={type} onChange={(event) => setType(event.currentTarget.value as 'scrape' | 'risk')}>
            <option value="scrape">scrape</option>
            <option value="risk">risk</option>
          </select>
        </label>
        {type === 'scrape' ? (
          <label class="grow">
            URL to scrape
            <input
              type="url"
              required
              value={url}
              placeholder="https://example.com/"
              onInput={(event) => setUrl(event.currentTarget.value)}
            />
          </label>
        ) : (
          <label class="grow">
            Risk input (JSON)
            <textarea
              rows={8}
              value={riskInput}
              onInput={(event) => setRiskInput(event.currentTarget.value)}
            />
          </label>
        )}
        <label>
          Priority
          <select value={priority} onChange={(event) => setPriority(event.currentTarget.value)}>
            <option value="high">high</option>
            <option value="normal">normal</option>
            <option value="low">low</option>
          </select>
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Submit
        </button>
      </form>
      {submitted && (
        <p role="status" class="submitted">
          Accepted:{' '}
          <a href={jobHref(submitted)} class="mono">
            {submitted}
          </a>
        </p>
      )}
      {problem && <ProblemView problem={problem} heading="Not submitted" />}
    </details>
  );
}
