import { Inject, Injectable } from '@nestjs/common';
import {
  describeStage,
  JOB_CATALOG,
  rerunEvent,
  TERMINAL_STATUSES,
  type EventActor,
  type JobStatus,
} from '@app/contracts';
import { EventPublisher, jobLogger, LOGGER, type Logger } from '@app/platform';
import { JobRunQueries } from '@app/read-models';
import { JobConflictError, JobNotFoundError, RequestValidationError } from '../../../http/api-errors';
import { ReadYourWrites } from '../../read-your-writes';

export interface RerunJobCommand {
  /** The caller's tenant, or null for an admin (any tenant's job). */
  tenantId: string | null;
  jobId: string;
  correlationId: string;
  /** The stage to run again (and every stage after it); default: the job's first stage. */
  stage?: string;
  /** The API key that asked (recorded on the re-published events). */
  actor?: EventActor;
}

export interface RerunAccepted {
  id: string;
  status: JobStatus;
  run: number;
  stage: string;
  /** Events re-published to start the run (one request, or one per page for a per-page stage). */
  republished: number;
}

/**
 * Re-runs a finished job from one of its stages: re-publishes the events that started that stage, as
 * copies belonging to run n+1, so the stage and every stage after it run again while the history keeps
 * run n. Used by `POST /jobs/{id}/retry` (the whole job) and `POST /admin/replay` with a job id.
 */
@Injectable()
export class RerunJobUseCase {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(JobRunQueries) private readonly runs: JobRunQueries,
    @Inject(ReadYourWrites) private readonly readModels: ReadYourWrites,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: RerunJobCommand): Promise<RerunAccepted> {
    const { tenantId, jobId, correlationId } = command;
    const job = await this.runs.runState(tenantId, jobId);
    if (!job) throw new JobNotFoundError(jobId);
    if (!TERMINAL_STATUSES.includes(job.status)) {
      throw new JobConflictError(`Job ${jobId} is ${job.status}; re-run it once it has finished`);
    }
    const stage = command.stage ?? JOB_CATALOG[job.type].stage;
    const descriptor = describeStage(stage);
    if (!descriptor || descriptor.jobType !== job.type) {
      throw new RequestValidationError([
        { path: 'stage', message: `a ${job.type} job has no stage ${JSON.stringify(stage)}` },
      ]);
    }
    const inputs = await this.runs.stageInputs(jobId, descriptor.follows, job.run);
    if (inputs.length === 0) {
      throw new JobConflictError(
        `Run ${job.run} of job ${jobId} never reached stage ${stage}; re-run an earlier stage`,
      );
    }
    const run = job.run + 1;
    const now = new Date();
    await this.publisher.publish(
      inputs.map(({ event, topic }) => ({ topic, event: rerunEvent(event, run, now, command.actor) })),
    );
    const log = jobLogger(this.logger, { jobId, correlationId });
    log.info({ stage, run, republished: inputs.length }, 're-run requested');
    // Read-your-writes, as after a submit: the job shows its new run at once (the projector agrees).
    await this.readModels
      .newRuns([{ jobId, run }])
      .catch((error: unknown) =>
        log.warn({ err: error }, 'could not pre-apply the re-run; the projector will'),
      );
    return { id: jobId, status: 'PENDING', run, stage, republished: inputs.length };
  }
}
