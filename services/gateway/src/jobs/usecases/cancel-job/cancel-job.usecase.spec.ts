import { EventTypes, jobCancelRequestedEventId, Topics, type JobCancelRequested } from '@app/contracts';
import { KafkaUnavailableError } from '@app/platform';
import {
  FakeJobQueries,
  FakePublisher,
  FakeReadModelWrites,
  jobView,
  silentLogger,
} from '@app/test-support/gateway-fakes';
import { JobConflictError, JobNotFoundError } from '../../../http/api-errors';
import type { ReadYourWrites } from '../../read-your-writes';
import { CancelJobUseCase } from './cancel-job.usecase';

const JOB_ID = '6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f';

function setup() {
  const publisher = new FakePublisher();
  const jobs = new FakeJobQueries();
  const cancellations = new FakeReadModelWrites<JobCancelRequested[]>();
  const readModels = { cancellations: (events: JobCancelRequested[]) => cancellations.write(events) };
  const useCase = new CancelJobUseCase(
    publisher.as(),
    jobs.as(),
    readModels as unknown as ReadYourWrites,
    silentLogger,
  );
  return { publisher, jobs, cancellations, useCase };
}

describe('CancelJobUseCase', () => {
  it('publishes JobCancelRequested on jobs.control, pre-applies it and answers the job as it is now', async () => {
    const { publisher, jobs, cancellations, useCase } = setup();
    jobs.jobs.set(JOB_ID, jobView({ id: JOB_ID, status: 'RUNNING', tenantId: 'tenant-1' }));
    const cancelled = jobView({ id: JOB_ID, status: 'CANCELLED', tenantId: 'tenant-1' });
    cancellations.afterWrite = () => jobs.jobs.set(JOB_ID, cancelled);

    const job = await useCase.execute('tenant-1', JOB_ID, 'corr-1');

    expect(publisher.published.map((o) => o.topic)).toEqual([Topics.JobsControl]);
    const event = publisher.events[0];
    expect(event).toMatchObject({
      id: jobCancelRequestedEventId(JOB_ID),
      type: EventTypes.JobCancelRequested,
      jobId: JOB_ID,
      tenantId: 'tenant-1',
      correlationId: 'corr-1',
      data: { reason: null },
    });
    expect(event).not.toHaveProperty('run');
    expect(cancellations.written).toEqual([[event]]);
    expect(job).toBe(cancelled);
  });

  it('an admin (every tenant) cancels another tenant’s job; the event keeps the job’s tenant', async () => {
    const { publisher, jobs, useCase } = setup();
    jobs.jobs.set(JOB_ID, jobView({ id: JOB_ID, status: 'RUNNING', tenantId: 'acme' }));

    await useCase.execute(null, JOB_ID, 'corr-1');

    expect(publisher.events[0]).toMatchObject({ jobId: JOB_ID, tenantId: 'acme' });
  });

  it('another tenant’s job is not found', async () => {
    const { publisher, jobs, useCase } = setup();
    jobs.jobs.set(JOB_ID, jobView({ id: JOB_ID, status: 'RUNNING', tenantId: 'acme' }));

    await expect(useCase.execute('tenant-1', JOB_ID, 'corr-1')).rejects.toBeInstanceOf(JobNotFoundError);
    expect(publisher.events).toEqual([]);
  });

  it('cancels a re-run job’s current run only', async () => {
    const { publisher, jobs, useCase } = setup();
    jobs.jobs.set(JOB_ID, jobView({ id: JOB_ID, status: 'PENDING', run: 2, tenantId: 'tenant-1' }));

    await useCase.execute('tenant-1', JOB_ID, 'corr-1');

    expect(publisher.events[0]).toMatchObject({ id: jobCancelRequestedEventId(JOB_ID, 2), run: 2 });
  });

  it('refuses an unknown job (404) and publishes nothing', async () => {
    const { publisher, useCase } = setup();

    await expect(useCase.execute('tenant-1', JOB_ID, 'corr-1')).rejects.toBeInstanceOf(JobNotFoundError);
    expect(publisher.published).toHaveLength(0);
  });

  it.each(['SUCCEEDED', 'FAILED', 'CANCELLED'] as const)(
    'refuses a %s job (409) and publishes nothing',
    async (status) => {
      const { publisher, jobs, cancellations, useCase } = setup();
      jobs.jobs.set(JOB_ID, jobView({ id: JOB_ID, status, tenantId: 'tenant-1' }));

      await expect(useCase.execute('tenant-1', JOB_ID, 'corr-1')).rejects.toBeInstanceOf(JobConflictError);
      expect(publisher.published).toHaveLength(0);
      expect(cancellations.written).toHaveLength(0);
    },
  );

  it('when Kafka is unavailable rejects with KafkaUnavailableError (503) and pre-applies nothing', async () => {
    const { publisher, jobs, cancellations, useCase } = setup();
    jobs.jobs.set(JOB_ID, jobView({ id: JOB_ID, status: 'RUNNING', tenantId: 'tenant-1' }));
    publisher.failWith = new KafkaUnavailableError('no leader');

    await expect(useCase.execute('tenant-1', JOB_ID, 'corr-1')).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(cancellations.written).toHaveLength(0);
  });

  it('still answers when the cancellation cannot be pre-applied (the projector will)', async () => {
    const { publisher, jobs, cancellations, useCase } = setup();
    const running = jobView({ id: JOB_ID, status: 'RUNNING', tenantId: 'tenant-1' });
    jobs.jobs.set(JOB_ID, running);
    cancellations.failWith = new Error('connection refused');

    await expect(useCase.execute('tenant-1', JOB_ID, 'corr-1')).resolves.toBe(running);
    expect(publisher.published).toHaveLength(1);
  });
});
