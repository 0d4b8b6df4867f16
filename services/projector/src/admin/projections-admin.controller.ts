import { Controller, Get, Inject, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ProjectionRebuilder, RebuildInProgressError, type ProjectionsStatus } from '@app/read-models';

/** Operations on the read models: rebuild them from the log, and follow the rebuild. */
@ApiTags('operations')
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(@Inject(ProjectionRebuilder) private readonly rebuilder: ProjectionRebuilder) {}

  @Get()
  @ApiOperation({ summary: 'State and progress of the latest projection rebuild, and the projector lag' })
  @ApiOkResponse({
    description: 'state, startedAt, finishedAt, eventsApplied, eventsTotal, eventsPerSecond, error, lag',
  })
  status(): Promise<ProjectionsStatus> {
    return this.rebuilder.status();
  }

  @Post('rebuild')
  @ApiOperation({
    summary: 'Rebuild every read model from offset 0 into a shadow schema, then swap it in atomically',
  })
  @ApiAcceptedResponse({ description: 'Started; follow it with GET /admin/projections' })
  @ApiConflictResponse({ description: 'A rebuild is already running (application/problem+json)' })
  async rebuild(@Res() res: Response): Promise<void> {
    try {
      const started = await this.rebuilder.start();
      res.status(202).location('/admin/projections').json(started);
    } catch (error) {
      if (!(error instanceof RebuildInProgressError)) throw error;
      res
        .status(409)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'about:blank',
            title: 'Conflict',
            status: 409,
            detail: error.message,
            instance: '/admin/projections/rebuild',
          }),
        );
    }
  }
}
