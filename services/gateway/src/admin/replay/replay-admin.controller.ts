import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFAULT_TENANT_ID } from '@app/contracts';
import { correlationIdOf } from '../../http/correlation-id';
import { parseRequest } from '../../http/parse-request';
import { RequestValidationError } from '../../http/api-errors';
import { ProblemResponse } from '../../jobs/dto/job.responses';
import { RerunJobUseCase, type RerunAccepted } from '../../jobs/usecases/rerun-job/rerun-job.usecase';
import { ReplayRequest } from './replay.request';
import { ReplayStageUseCase, type StageReplayAccepted } from './replay-stage.usecase';

@ApiTags('admin')
@Controller('admin/replay')
export class ReplayAdminController {
  constructor(
    @Inject(ReplayStageUseCase) private readonly replayStage: ReplayStageUseCase,
    @Inject(RerunJobUseCase) private readonly rerunJob: RerunJobUseCase,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-run a stage',
    description:
      '`{ stage, from }` rewinds the stage’s consumer groups to `from` (every job since then runs the stage ' +
      'again); `{ stage, jobId }` re-runs the stage and the stages after it for one finished job, as its next run.',
  })
  @ApiAcceptedResponse({ description: 'Replay started' })
  @ApiBadRequestResponse({ type: ProblemResponse })
  @ApiNotFoundResponse({ type: ProblemResponse, description: 'Unknown job' })
  @ApiConflictResponse({ type: ProblemResponse, description: 'The job has not finished' })
  @ApiServiceUnavailableResponse({ type: ProblemResponse })
  async replay(
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StageReplayAccepted | RerunAccepted> {
    const request = parseRequest(ReplayRequest, body, 'body');
    const correlationId = correlationIdOf(res);
    if ((request.from === undefined) === (request.jobId === undefined)) {
      throw new RequestValidationError([{ path: '(root)', message: 'give exactly one of from and jobId' }]);
    }
    if (request.jobId !== undefined) {
      return this.rerunJob.execute({
        tenantId: DEFAULT_TENANT_ID,
        jobId: request.jobId,
        correlationId,
        stage: request.stage,
      });
    }
    return this.replayStage.execute(request.stage, request.from as string, correlationId);
  }
}
