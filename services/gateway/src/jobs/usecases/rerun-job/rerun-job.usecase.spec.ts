import {
  EventTypes,
  jobRequestedEventId,
  rerunEvent,
  Topics,
  type JobRequested,
  type JobStatus,
} from '@app/contracts';
import { KafkaUnavailableError } from '@app/platform';
import type { JobRunQueries, JobRunState, LoggedEvent } from '@app/read-models';
import { FakePublisher, FakeReadModelWrites, silentLogger } from '@app/test-support/gateway-fakes';
import { JobConflictError, JobNotFoundError, RequestValidationError } from '../../../http/api-errors';
import type { ReadYourWrites } from '../../read-your-writes';
import { RerunJobUseCase } from './rerun-job.usecase';

const JOB_ID = '6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f';

const requested: JobRequested = {
  id: jobRequestedEventId(JOB_ID),
  type: EventTypes.JobRequested,
  version: 1,
  jobId: JOB_ID,
  tenantId: 'tenant-1',
  correlationId: 'corr-0',
  causationId: null,
  occurredAt: '2026-12-01T10:00:00.000Z',
  data: {
    jobType: 'scrape',
    input: { url: 'https://example.com/' },
    priority: 'normal',
    idempotencyKey: null,
  },
};

/** A job's run state and the logged events that started each stage, as the read models keep them. */
class FakeJobRuns {
  state: JobRunState | null = null;
  inputs: LoggedEvent[] = [];
  readonly asked: { follows: unknown; run: number }[] = [];

  async runState(): Promise<JobRunState | null> {
    return this.state;
  }

  async stageInputs(_jobId: string, follows: unknown, run: number): Promise<LoggedEvent[]> {
    this.asked.push({ follows, run });
    return this.inputs;
  }
}

function setup(status: JobStatus | null, run = 0) {
  const publisher = new FakePublisher();
  const runs = new FakeJobRuns();
  if (status) runs.state = { id: JOB_ID, type: 'scrape', status, run };
  runs.inputs = [{ event: requested, topic: Topics.JobsRequested }];
  const newRuns = new FakeReadModelWrites<{ jobId: string; run: number }[]>();
  const readModels = { newRuns: (items: { jobId: string; run: number }[]) => newRuns.write(items) };
  const useCase = new RerunJobUseCase(
    publisher.as(),
    runs as unknown as JobRunQueries,
    readModels as unknown as ReadYourWrites,
    silentLogger,
  );
  return { publisher, runs, newRuns, useCase };
}

const rerun = { tenantId: 'tenant-1', jobId: JOB_ID, correlationId: 'corr-1' };

describe('RerunJobUseCase', () => {
  it('re-publishes what started the first stage as run n+1 and shows the job PENDING at once', async () => {
    const { publisher, newRuns, useCase } = setup('FAILED', 1);

    const accepted = await useCase.execute(rerun);

    expect(accepted).toEqual({ id: JOB_ID, status: 'PENDING', run: 2, stage: 'scrape', republished: 1 });
    expect(publisher.published.map((o) => o.topic)).toEqual([Topics.JobsRequested]);
    const copy = publisher.events[0];
    expect(copy).toEqual(rerunEvent(requested, 2, new Date(copy.occurredAt)));
    expect(copy.id).not.toBe(requested.id);
    expect(newRuns.written).toEqual([[{ jobId: JOB_ID, run: 2 }]]);
  });

  it('asks for the inputs of the job’s current run', async () => {
    const { runs, useCase } = setup('SUCCEEDED', 3);

    await useCase.execute(rerun);

    expect(runs.asked.map((a) => a.run)).toEqual([3]);
  });

  it('refuses an unknown job (404)', async () => {
    const { publisher, useCase } = setup(null);

    await expect(useCase.execute(rerun)).rejects.toBeInstanceOf(JobNotFoundError);
    expect(publisher.published).toHaveLength(0);
  });

  it.each(['PENDING', 'RUNNING'] as const)('refuses a %s job (409): it has not finished', async (status) => {
    const { publisher, newRuns, useCase } = setup(status);

    await expect(useCase.execute(rerun)).rejects.toBeInstanceOf(JobConflictError);
    expect(publisher.published).toHaveLength(0);
    expect(newRuns.written).toHaveLength(0);
  });

  it('refuses a stage the job’s type does not have (400)', async () => {
    const { publisher, useCase } = setup('FAILED');

    await expect(useCase.execute({ ...rerun, stage: 'ocr' })).rejects.toBeInstanceOf(RequestValidationError);
    expect(publisher.published).toHaveLength(0);
  });

  it('refuses a stage the run never reached (409)', async () => {
    const { publisher, runs, useCase } = setup('FAILED');
    runs.inputs = [];

    await expect(useCase.execute(rerun)).rejects.toBeInstanceOf(JobConflictError);
    expect(publisher.published).toHaveLength(0);
  });

  it('when Kafka is unavailable rejects with KafkaUnavailableError (503) and leaves the run as it was', async () => {
    const { publisher, newRuns, useCase } = setup('FAILED');
    publisher.failWith = new KafkaUnavailableError('no leader');

    await expect(useCase.execute(rerun)).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(newRuns.written).toHaveLength(0);
  });

  it('still answers when the new run cannot be pre-applied (the projector will)', async () => {
    const { publisher, newRuns, useCase } = setup('CANCELLED');
    newRuns.failWith = new Error('connection refused');

    await expect(useCase.execute(rerun)).resolves.toMatchObject({ run: 1, status: 'PENDING' });
    expect(publisher.published).toHaveLength(1);
  });
});
