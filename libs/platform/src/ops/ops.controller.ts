import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PlatformMetrics } from '../metrics/platform-metrics';
import { withDeadline, type ReadinessProbe } from './readiness';

export const READINESS_PROBES = Symbol('READINESS_PROBES');
export const METRICS_REFRESH = Symbol('METRICS_REFRESH');

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<string, 'up' | 'down'>;
}

/** Health and Prometheus metrics, the same on every service. */
@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
    @Inject(METRICS_REFRESH) private readonly refresh: () => Promise<void>,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: '200 only when every dependency this service needs answers' })
  @ApiOkResponse({ description: 'Ready' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down' })
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
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (text format)' })
  async render(): Promise<string> {
    await withDeadline(async () => {
      await this.refresh();
      return true;
    }, 2000);
    return this.metrics.render();
  }
}
