import type { ApiClient } from './api-client';
import { eventually } from './wait';

export type JobBody = Record<string, unknown>;

interface EventBody {
  id: string;
  type: string;
  jobId: string;
  data: { attempt?: number; error?: { code: string } };
}

interface ProjectionsStatus {
  state: string;
  error: string | null;
  lag: { total: number } | null;
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Waits until every job is terminal (polling only the unfinished ones) and returns them by id. */
export async function waitUntilAllFinished(
  api: ApiClient,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, JobBody>> {
  const finished = new Map<string, JobBody>();
  await eventually(
    `${ids.length} jobs to finish`,
    async () => {
      for (const id of ids) {
        if (finished.has(id)) continue;
        const job = await api.job(id);
        if (TERMINAL.includes(job.status as string)) finished.set(id, job);
      }
      if (finished.size === ids.length) return true;
      throw new Error(`${ids.length - finished.size} of ${ids.length} not finished yet`);
    },
    timeoutMs,
  );
  return finished;
}

/** Waits until the live projector has committed everything in the log (its lag is 0). */
export async function waitUntilProjectorCaughtUp(api: ApiClient, timeoutMs = 60_000): Promise<void> {
  await eventually(
    'the projector lag to reach 0',
    async () => {
      const response = await api.request<ProjectionsStatus>('GET', '/admin/projections');
      if (response.status !== 200) throw new Error(`GET /admin/projections: ${response.status}`);
      const lag = response.body.lag?.total;
      if (lag === 0) return true;
      throw new Error(`lag ${lag ?? 'unknown'}`);
    },
    timeoutMs,
  );
}

/**
 * What is wrong with a finished scrape job's history (empty when nothing): every event once, the
 * request, one StageStarted per attempt (1..attempts), a StageAttemptFailed for each attempt but the
 * last (with an error code of `retryCodes`, when given), and exactly one outcome, a StageCompleted.
 */
export async function historyProblems(
  api: ApiClient,
  job: JobBody,
  retryCodes?: readonly string[],
): Promise<string[]> {
  const id = job.id as string;
  const response = await api.request<EventBody[]>('GET', `/jobs/${id}/events`);
  if (response.status !== 200) return [`GET /jobs/${id}/events answered ${response.status}`];
  const events = response.body;
  const problems: string[] = [];
  const count = (type: string): number => events.filter((e) => e.type === type).length;
  const attempts = job.attempts as number;
  if (new Set(events.map((e) => e.id)).size !== events.length) problems.push('an event id appears twice');
  if (events.some((e) => e.jobId !== id)) problems.push('an event of another job');
  if (job.status !== 'SUCCEEDED') problems.push(`status ${String(job.status)}`);
  if (count('JobRequested') !== 1) problems.push(`${count('JobRequested')} JobRequested`);
  if (count('StageCompleted') !== 1) problems.push(`${count('StageCompleted')} StageCompleted`);
  if (count('StageFailed') !== 0) problems.push(`${count('StageFailed')} StageFailed`);
  const startedAttempts = events
    .filter((e) => e.type === 'StageStarted')
    .map((e) => e.data.attempt ?? 0)
    .sort((a, b) => a - b);
  const expected = Array.from({ length: attempts }, (_, i) => i + 1);
  if (JSON.stringify(startedAttempts) !== JSON.stringify(expected)) {
    problems.push(`StageStarted attempts ${JSON.stringify(startedAttempts)} for attempts=${attempts}`);
  }
  if (count('StageAttemptFailed') !== attempts - 1) {
    problems.push(`${count('StageAttemptFailed')} StageAttemptFailed for attempts=${attempts}`);
  }
  for (const event of events) {
    const code = event.data.error?.code ?? '';
    if (event.type === 'StageAttemptFailed' && retryCodes && !retryCodes.includes(code)) {
      problems.push(`attempt ${event.data.attempt ?? '?'} failed with ${code}`);
    }
  }
  return problems.map((problem) => `job ${id}: ${problem}`);
}

/** Every job and its events as the API returns them (the answers a rebuild must reproduce). */
export async function snapshotAnswers(api: ApiClient, ids: readonly string[]): Promise<string> {
  const answers: unknown[] = [];
  for (const id of ids) {
    for (const path of [`/jobs/${id}`, `/jobs/${id}/events`]) {
      const response = await api.request('GET', path);
      answers.push(response.status === 200 ? response.body : { path, status: response.status });
    }
  }
  return JSON.stringify(answers);
}

/** Runs `POST /admin/projections/rebuild` (replay of the whole log into fresh tables, then a swap). */
export async function rebuildProjections(api: ApiClient, timeoutMs = 90_000): Promise<void> {
  const started = await api.request('POST', '/admin/projections/rebuild');
  if (started.status !== 202) throw new Error(`rebuild not started: ${started.status}`);
  await eventually(
    'the projection rebuild to succeed',
    async () => {
      const status = (await api.request<ProjectionsStatus>('GET', '/admin/projections')).body;
      if (status.state === 'failed') throw new Error(`rebuild failed: ${status.error}`);
      return status.state === 'succeeded' ? true : undefined;
    },
    timeoutMs,
  );
}
