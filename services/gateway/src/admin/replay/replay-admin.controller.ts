import { Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExtraModels,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { actorOf, CurrentCaller, type Caller } from '../../auth/caller';
import { RequiresRole } from '../../auth/route-access';
import { correlationIdOf } from '../../http/correlation-id';
import { RequestValidationError } from '../../http/api-errors';
import { ValidBody } from '../../http/request-dto.pipe';
import { JobRerunResponse } from '../../jobs/dto/job.responses';
import { RerunJobUseCase } from '../../jobs/usecases/rerun-job/rerun-job.usecase';
import { ApiProblem } from '../../openapi/api-problem.decorator';
import { ReplayRequest } from './replay.request';
import { StageReplayResponse } from './replay.responses';
import { ReplayStageUseCase } from './replay-stage.usecase';

@ApiTags('admin')
@RequiresRole('admin')
@Controller('admin/replay')
export class ReplayAdminController {
  constructor(
    @Inject(ReplayStageUseCase) private readonly replayStage: ReplayStageUseCase,
    @Inject(RerunJobUseCase) private readonly rerunJob: RerunJobUseCase,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'replayStage',
    summary: 'Re-run a stage',
    description:
      '`{ stage, from }` rewinds the stage’s consumer groups to `from` (every job since then runs the stage ' +
      'again); `{ stage, jobId }` re-runs the stage and the stages after it for one finished job, as its next run.',
  })
  @ApiExtraModels(ReplayRequest, StageReplayResponse, JobRerunResponse)
  @ApiBody({
    schema: {
      allOf: [{ $ref: getSchemaPath(ReplayRequest) }],
      oneOf: [{ required: ['stage', 'from'] }, { required: ['stage', 'jobId'] }],
    },
    examples: {
      since: { summary: 'Every job since a time', value: { stage: 'scrape', from: '2026-11-25T10:00:00Z' } },
      job: { summary: 'One job', value: { stage: 'scrape', jobId: '6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f' } },
    },
  })
  @ApiAcceptedResponse({
    description: 'Started: the stage replay (`from`), or the job’s next run (`jobId`)',
    schema: {
      oneOf: [{ $ref: getSchemaPath(StageReplayResponse) }, { $ref: getSchemaPath(JobRerunResponse) }],
    },
  })
  @ApiProblem(400, 'Invalid body, or not exactly one of from and jobId (field errors)')
  @ApiProblem(404, 'Unknown job')
  @ApiProblem(413, 'Body over a size limit: bytes, keys, array items or string length (see docs/api.md)')
  @ApiProblem(415, 'Not application/json, a charset other than UTF-8, or an unsupported Content-Encoding')
  @ApiProblem(409, 'The job has not finished')
  @ApiProblem(503, 'Kafka or PostgreSQL unavailable')
  async replay(
    @ValidBody(ReplayRequest) request: ReplayRequest,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<StageReplayResponse | JobRerunResponse> {
    const correlationId = correlationIdOf(res);
    if ((request.from === undefined) === (request.jobId === undefined)) {
      throw new RequestValidationError([{ path: '(root)', message: 'give exactly one of from and jobId' }]);
    }
    if (request.jobId !== undefined) {
      return this.rerunJob.execute({
        // Replay is an admin's: the job, whatever its tenant.
        tenantId: null,
        jobId: request.jobId,
        correlationId,
        stage: request.stage,
        actor: actorOf(caller),
      });
    }
    return this.replayStage.execute(request.stage, request.from as string, correlationId, actorOf(caller));
  }
}
