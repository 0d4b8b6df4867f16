import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequiresRole } from '../auth/route-access';
import { correlationIdOf } from '../http/correlation-id';
import { problem, sendProblem } from '../http/problem';
import { ApiProblem } from '../openapi/api-problem.decorator';
import { ProjectorAdminClient, type UpstreamResponse } from './projector-admin.client';

/** The projector's own status object, relayed as it is (its shape belongs to the projector). */
const PROJECTOR_STATUS_SCHEMA = { type: 'object', additionalProperties: true } as const;

/**
 * Projection rebuild, forwarded to the projector (which owns the read models): 503 problem+json when
 * the projector does not answer.
 */
@ApiTags('operations')
@RequiresRole('admin')
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(@Inject(ProjectorAdminClient) private readonly projector: ProjectorAdminClient) {}

  @Get()
  @ApiOperation({
    operationId: 'getProjectionStatus',
    summary: 'State and progress of the latest projection rebuild, and the projector lag',
    description:
      '`{ state: idle|running|swapping|succeeded|failed, startedAt, finishedAt, eventsRead, eventsApplied, eventsTotal, progress, eventsPerSecond, error, lag: { group, total, perTopic } }`',
  })
  @ApiOkResponse({ description: 'The status, as the projector reports it', schema: PROJECTOR_STATUS_SCHEMA })
  @ApiProblem(503, 'The projector is unreachable')
  async status(@Req() req: Request, @Res() res: Response): Promise<void> {
    relay(req, res, await this.projector.forward('GET', '/admin/projections', correlationIdOf(res)));
  }

  @Post('rebuild')
  @ApiOperation({
    operationId: 'rebuildProjections',
    summary: 'Rebuild every read model from offset 0 of the event topics',
    description:
      'Replays the log into a shadow schema while the API keeps serving the current read models, then swaps atomically. A failed rebuild leaves the current read models in place.',
  })
  @ApiAcceptedResponse({
    description: 'Started; poll GET /admin/projections',
    schema: PROJECTOR_STATUS_SCHEMA,
    headers: { Location: { description: '/admin/projections', schema: { type: 'string' } } },
  })
  @ApiProblem(409, 'A rebuild is already running')
  @ApiProblem(503, 'The projector is unreachable')
  async rebuild(@Req() req: Request, @Res() res: Response): Promise<void> {
    const upstream = await this.projector.forward('POST', '/admin/projections/rebuild', correlationIdOf(res));
    if (upstream.status === 202) res.setHeader('Location', '/admin/projections');
    relay(req, res, upstream);
  }
}

/** 2xx bodies as the projector sent them; errors as the gateway's own problem+json. */
function relay(req: Request, res: Response, upstream: UpstreamResponse): void {
  if (upstream.status < 400) {
    res.status(upstream.status).type(upstream.contentType).send(upstream.body);
    return;
  }
  const instance = req.originalUrl.split('?')[0];
  let detail = `The projector answered ${upstream.status}`;
  try {
    const parsed = JSON.parse(upstream.body) as { detail?: unknown; message?: unknown };
    const text = parsed.detail ?? parsed.message;
    if (typeof text === 'string') detail = text;
  } catch {
    // not JSON: keep the generic detail
  }
  const status = upstream.status >= 500 ? 503 : upstream.status;
  sendProblem(res, problem(status, detail, { instance }), status === 503 ? { 'Retry-After': '5' } : {});
}
