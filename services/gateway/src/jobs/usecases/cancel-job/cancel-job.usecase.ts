import type { DataSource } from 'typeorm';
import {
  EVENT_VERSIONS,
  EventTypes,
  jobCancelRequestedEventId,
  TERMINAL_STATUSES,
  Topics,
  type JobCancelRequested,
} from '@app/contracts';
import { jobLogger, type EventPublisher, type Logger } from '@app/platform';
import { foldCancellations, type JobQueries, type JobView } from '@app/read-models';
import { JobConflictError, JobNotFoundError } from '../../../http/api-errors';

/**
 * Cancels a job across the cluster: publishes JobCancelRequested on `jobs.control` (every stage
 * skips the job and aborts its in-flight work); the job ends CANCELLED. A finished job cannot be
 * cancelled (409).
 */
export class CancelJobUseCase {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly jobs: JobQueries,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  async execute(tenantId: string, jobId: string, correlationId: string): Promise<JobView> {
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
      tenantId,
      correlationId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      // Cancels the job's current run; a later re-run is not affected.
      ...(job.run > 0 ? { run: job.run } : {}),
      data: { reason: null },
    };
    await this.publisher.publish([{ topic: Topics.JobsControl, event }]);
    const log = jobLogger(this.logger, { jobId, correlationId });
    log.info('cancellation requested');
    await foldCancellations(this.dataSource, [event]).catch((error: unknown) =>
      log.warn({ err: error }, 'could not pre-apply the cancellation; the projector will'),
    );
    return (await this.jobs.getJob(tenantId, jobId)) ?? job;
  }
}
