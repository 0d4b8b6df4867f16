import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_VERSIONS,
  EventTypes,
  jobCancelRequestedEventId,
  TERMINAL_STATUSES,
  Topics,
  type JobCancelRequested,
  type EventActor,
} from '@app/contracts';
import { EventPublisher, jobLogger, LOGGER, type Logger } from '@app/platform';
import { JobQueries, type JobView } from '@app/read-models';
import { JobConflictError, JobNotFoundError } from '../../../http/api-errors';
import { ReadYourWrites } from '../../read-your-writes';

/**
 * Cancels a job across the cluster: publishes JobCancelRequested on `jobs.control` (every stage
 * skips the job and aborts its in-flight work); the job ends CANCELLED. A finished job cannot be
 * cancelled (409).
 */
@Injectable()
export class CancelJobUseCase {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(JobQueries) private readonly jobs: JobQueries,
    @Inject(ReadYourWrites) private readonly readModels: ReadYourWrites,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `tenantId`: the caller's tenant, or null for an admin (any tenant's job). */
  async execute(
    tenantId: string | null,
    jobId: string,
    correlationId: string,
    actor?: EventActor,
  ): Promise<JobView> {
    const job = await this.jobs.getJob(tenantId, jobId);
    if (!job) throw new JobNotFoundError(jobId);
    if (TERMINAL_STATUSES.includes(job.status)) {
      throw new JobConflictError(`Job ${jobId} already finished (${job.status}); it cannot be cancelled`);
    }
    const event: JobCancelRequested = {
      id: jobCancelRequestedEventId(jobId, job.run),
      type: EventTypes.JobCancelRequested,
      version: EVENT_VERSIONS.JobCancelRequested,
      jobId,
      tenantId: job.tenantId,
      correlationId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      ...(actor ? { actor } : {}),
      // Cancels the job's current run; a later re-run is not affected.
      ...(job.run > 0 ? { run: job.run } : {}),
      data: { reason: null },
    };
    await this.publisher.publish([{ topic: Topics.JobsControl, event }]);
    const log = jobLogger(this.logger, { jobId, correlationId });
    log.info('cancellation requested');
    await this.readModels
      .cancellations([event])
      .catch((error: unknown) =>
        log.warn({ err: error }, 'could not pre-apply the cancellation; the projector will'),
      );
    return (await this.jobs.getJob(tenantId, jobId)) ?? job;
  }
}
