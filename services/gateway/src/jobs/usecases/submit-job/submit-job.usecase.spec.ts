import {
  EventTypes,
  jobIdForIdempotencyKey,
  jobRequestedEventId,
  Topics,
  type JobRequested,
} from '@app/contracts';
import { KafkaUnavailableError, PlatformMetrics } from '@app/platform';
import {
  FakeJobQueries,
  FakePublisher,
  FakeReadModelWrites,
  jobView,
  silentLogger,
} from '@app/test-support/gateway-fakes';
import { IdempotencyKeyReusedError, IdempotentRequestInProgressError } from '../../../http/api-errors';
import type { IdempotencyKeyRepository, IdempotencyRecord } from '../../idempotency-key.repository';
import type { PendingJobRows } from '../../pending-job-rows';
import { SubmitJobCommand } from './submit-job.command';
import { SubmitJobUseCase } from './submit-job.usecase';

/** The gateway's Idempotency-Key table in memory: claim, mark published, release a pending claim. */
class FakeIdempotencyKeys {
  readonly records = new Map<string, IdempotencyRecord>();

  async claim(tenantId: string, key: string, requestHash: string, jobId: string) {
    const existing = this.records.get(`${tenantId}|${key}`);
    if (existing) return existing;
    this.records.set(`${tenantId}|${key}`, {
      requestHash,
      jobId,
      state: 'pending',
      createdAt: new Date('2026-12-01T10:00:00Z'),
    });
    return null;
  }

  async markPublished(tenantId: string, key: string): Promise<void> {
    const record = this.records.get(`${tenantId}|${key}`);
    if (record) record.state = 'published';
  }

  async release(tenantId: string, key: string): Promise<void> {
    if (this.records.get(`${tenantId}|${key}`)?.state === 'pending')
      this.records.delete(`${tenantId}|${key}`);
  }
}

function setup() {
  const publisher = new FakePublisher();
  const keys = new FakeIdempotencyKeys();
  const jobs = new FakeJobQueries();
  const pendingRows = new FakeReadModelWrites<JobRequested>();
  const metrics = new PlatformMetrics('submit-job-spec');
  const useCase = new SubmitJobUseCase(
    publisher.as(),
    keys as unknown as IdempotencyKeyRepository,
    jobs.as(),
    { write: (event: JobRequested) => pendingRows.write(event) } as unknown as PendingJobRows,
    silentLogger,
    metrics,
  );
  return { publisher, keys, jobs, pendingRows, metrics, useCase };
}

const command = (
  fields: { idempotencyKey?: string; url?: string; priority?: 'high' | 'normal' | 'low' } = {},
) =>
  SubmitJobCommand.create({
    tenantId: 'tenant-1',
    type: 'scrape',
    input: { url: fields.url ?? 'https://example.com/' },
    priority: fields.priority,
    correlationId: 'corr-1',
    idempotencyKey: fields.idempotencyKey,
  });

const accepted = async (metrics: PlatformMetrics): Promise<number> =>
  (await metrics.jobsAccepted.get()).values.reduce((sum, { value }) => sum + value, 0);

describe('SubmitJobUseCase', () => {
  it('publishes JobRequested on the priority’s request topic and answers PENDING once Kafka acknowledged it', async () => {
    const { publisher, pendingRows, metrics, useCase } = setup();

    const job = await useCase.execute(command({ priority: 'high' }));

    expect(job).toEqual({
      id: expect.any(String),
      type: 'scrape',
      status: 'PENDING',
      createdAt: expect.any(String),
    });
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0].topic).toBe(Topics.ScrapeRequestedHigh);
    expect(publisher.events[0]).toMatchObject({
      id: jobRequestedEventId(job.id),
      type: EventTypes.JobRequested,
      jobId: job.id,
      tenantId: 'tenant-1',
      correlationId: 'corr-1',
      causationId: null,
      occurredAt: job.createdAt,
      data: {
        jobType: 'scrape',
        input: { url: 'https://example.com/' },
        priority: 'high',
        idempotencyKey: null,
      },
    });
    expect(pendingRows.written.map((event) => event.jobId)).toEqual([job.id]);
    expect(await accepted(metrics)).toBe(1);
  });

  it('with an Idempotency-Key derives the job id from the key and marks the key published', async () => {
    const { publisher, keys, useCase } = setup();

    const job = await useCase.execute(command({ idempotencyKey: 'order-7' }));

    expect(job.id).toBe(jobIdForIdempotencyKey('tenant-1', 'order-7'));
    expect(publisher.events[0].data).toMatchObject({ idempotencyKey: 'order-7' });
    expect(keys.records.get('tenant-1|order-7')).toMatchObject({ jobId: job.id, state: 'published' });
  });

  it('replays the same key and body as the same job without publishing again', async () => {
    const { publisher, jobs, useCase } = setup();
    const first = await useCase.execute(command({ idempotencyKey: 'order-7' }));
    jobs.jobs.set(first.id, jobView({ id: first.id, status: 'RUNNING', tenantId: 'tenant-1' }));

    const again = await useCase.execute(command({ idempotencyKey: 'order-7' }));

    expect(again).toMatchObject({ id: first.id, type: 'scrape', status: 'RUNNING' });
    expect(publisher.published).toHaveLength(1);
  });

  it('replays a job the read models do not show yet as PENDING, from the key’s record', async () => {
    const { publisher, useCase } = setup();
    const first = await useCase.execute(command({ idempotencyKey: 'order-7' }));

    const again = await useCase.execute(command({ idempotencyKey: 'order-7' }));

    expect(again).toEqual({
      id: first.id,
      type: 'scrape',
      status: 'PENDING',
      createdAt: '2026-12-01T10:00:00.000Z',
    });
    expect(publisher.published).toHaveLength(1);
  });

  it('refuses the same key with another body (422) and publishes nothing for it', async () => {
    const { publisher, useCase } = setup();
    await useCase.execute(command({ idempotencyKey: 'order-7' }));

    await expect(
      useCase.execute(command({ idempotencyKey: 'order-7', url: 'https://example.org/' })),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(publisher.published).toHaveLength(1);
  });

  it('answers 409 while the first request with the key is still being published', async () => {
    const { keys, publisher, useCase } = setup();
    const pending = command({ idempotencyKey: 'order-7' });
    await keys.claim(
      'tenant-1',
      'order-7',
      pending.requestHash(),
      jobIdForIdempotencyKey('tenant-1', 'order-7'),
    );

    await expect(useCase.execute(pending)).rejects.toBeInstanceOf(IdempotentRequestInProgressError);
    expect(publisher.published).toHaveLength(0);
  });

  it('when Kafka is unavailable rejects with KafkaUnavailableError (503) and gives the key back', async () => {
    const { publisher, keys, pendingRows, metrics, useCase } = setup();
    publisher.failWith = new KafkaUnavailableError('no leader');

    await expect(useCase.execute(command({ idempotencyKey: 'order-7' }))).rejects.toBeInstanceOf(
      KafkaUnavailableError,
    );
    expect(keys.records.has('tenant-1|order-7')).toBe(false);
    expect(pendingRows.written).toHaveLength(0);
    expect(await accepted(metrics)).toBe(0);

    publisher.failWith = null;
    const retried = await useCase.execute(command({ idempotencyKey: 'order-7' }));
    expect(retried.id).toBe(jobIdForIdempotencyKey('tenant-1', 'order-7'));
    expect(publisher.published).toHaveLength(1);
  });

  it('still accepts the job when the read-your-writes row cannot be written (the projector will)', async () => {
    const { publisher, pendingRows, useCase } = setup();
    pendingRows.failWith = new Error('connection refused');

    const job = await useCase.execute(command());

    expect(job.status).toBe('PENDING');
    expect(publisher.published).toHaveLength(1);
  });
});
