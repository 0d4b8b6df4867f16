import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_VERSIONS,
  EventTypes,
  jobIdForIdempotencyKey,
  jobRequestedEventId,
  newJobId,
  requestTopic,
  type JobRequested,
} from '@app/contracts';
import {
  activeTraceIds,
  EventPublisher,
  jobLogger,
  LOGGER,
  PlatformMetrics,
  type Logger,
} from '@app/platform';
import { JobQueries } from '@app/read-models';
import { PENDING_SUBMISSIONS, type PendingJobRows } from '../../pending-job-rows';
import { IdempotencyKeyReusedError, IdempotentRequestInProgressError } from '../../../http/api-errors';
import { IdempotencyKeyRepository } from '../../idempotency-key.repository';
import type { SubmitJobCommand } from './submit-job.command';

export interface SubmittedJob {
  id: string;
  type: string;
  status: string;
  createdAt: string;
}

/**
 * Accepts a job: publishes JobRequested (acks=all) and answers only after Kafka acknowledged it.
 * With an Idempotency-Key the job id is derived from the key, and the key is claimed before publishing,
 * so the same key and body give the same job and one execution.
 */
@Injectable()
export class SubmitJobUseCase {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(IdempotencyKeyRepository) private readonly idempotencyKeys: IdempotencyKeyRepository,
    @Inject(JobQueries) private readonly jobs: JobQueries,
    @Inject(PENDING_SUBMISSIONS) private readonly pendingRows: PendingJobRows,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
  ) {}

  async execute(command: SubmitJobCommand): Promise<SubmittedJob> {
    if (command.idempotencyKey === null) return this.publish(command, newJobId());
    const key = command.idempotencyKey;
    const jobId = jobIdForIdempotencyKey(command.tenantId, key);
    const hash = command.requestHash();
    const existing = await this.idempotencyKeys.claim(command.tenantId, key, hash, jobId);
    if (existing)
      return this.replay(
        command,
        existing.requestHash === hash,
        existing.state,
        existing.jobId,
        existing.createdAt,
      );
    try {
      const job = await this.publish(command, jobId);
      await this.idempotencyKeys.markPublished(command.tenantId, key);
      return job;
    } catch (error) {
      await this.idempotencyKeys.release(command.tenantId, key).catch(() => undefined);
      throw error;
    }
  }

  private async replay(
    command: SubmitJobCommand,
    sameRequest: boolean,
    state: 'pending' | 'published',
    jobId: string,
    claimedAt: Date,
  ): Promise<SubmittedJob> {
    if (!sameRequest) throw new IdempotencyKeyReusedError();
    if (state === 'pending') throw new IdempotentRequestInProgressError();
    const job = await this.jobs.getJob(command.tenantId, jobId);
    return job
      ? { id: job.id, type: job.type, status: job.status, createdAt: job.createdAt }
      : { id: jobId, type: command.type, status: 'PENDING', createdAt: claimedAt.toISOString() };
  }

  private async publish(command: SubmitJobCommand, jobId: string): Promise<SubmittedJob> {
    const event: JobRequested = {
      id: jobRequestedEventId(jobId),
      type: EventTypes.JobRequested,
      version: EVENT_VERSIONS.JobRequested,
      jobId,
      tenantId: command.tenantId,
      correlationId: command.correlationId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      ...(command.actor ? { actor: command.actor } : {}),
      data: {
        jobType: command.type,
        input: command.input,
        priority: command.priority,
        idempotencyKey: command.idempotencyKey,
      },
    };
    await this.publisher.publish([{ topic: requestTopic(command.type, command.priority), event }]);
    const log = jobLogger(this.logger, { jobId, correlationId: command.correlationId });
    log.info({ type: command.type, priority: command.priority }, 'job accepted');
    this.metrics.jobsAccepted.inc({ type: command.type });
    // Read-your-writes: the log already has the request; showing it now spares clients a 404 race.
    await this.pendingRows
      .write(event, activeTraceIds().traceId ?? null)
      .catch((error: unknown) =>
        log.warn({ err: error }, 'could not pre-apply the request to the read model; the projector will'),
      );
    return { id: jobId, type: command.type, status: 'PENDING', createdAt: event.occurredAt };
  }
}
