import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { PlatformMetrics } from '../metrics/platform-metrics';
import { LivenessResponse, ReadinessResponse } from './ops.responses';
import { PublicRoute } from './public-route';
import { withDeadline, type ReadinessProbe } from './readiness';

export const READINESS_PROBES = Symbol('READINESS_PROBES');
export const METRICS_REFRESH = Symbol('METRICS_REFRESH');

export type Readiness = ReadinessResponse;

const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Health and Prometheus metrics, the same on every service. */
@ApiTags('operations')
@PublicRoute()
@Controller()
export class OpsController {
  constructor(
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
    @Inject(METRICS_REFRESH) private readonly refresh: () => Promise<void>,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  @ApiOperation({ operationId: 'getLiveness', summary: 'The process is up' })
  @ApiOkResponse({ type: LivenessResponse })
  live(): LivenessResponse {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: '200 only when every dependency this service needs answers',
  })
  @ApiOkResponse({ type: ReadinessResponse, description: 'Ready' })
  @ApiServiceUnavailableResponse({
    type: ReadinessResponse,
    description: 'A dependency is down (retry after Retry-After seconds)',
    headers: { 'Retry-After': { schema: { type: 'integer', minimum: 0 } } },
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const results = await Promise.all(this.probes.map((probe) => withDeadline(probe.check, 2000)));
    const ok = results.every(Boolean);
    res.status(ok ? 200 : 503);
    if (!ok) res.setHeader('Retry-After', '5');
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: Object.fromEntries(this.probes.map((probe, i) => [probe.name, results[i] ? 'up' : 'down'])),
    };
  }

  @Get('metrics')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics (text format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', schema: { type: 'string' } })
  async render(): Promise<string> {
    await withDeadline(async () => {
      await this.refresh();
      return true;
    }, 2000);
    return this.metrics.render();
  }
}
