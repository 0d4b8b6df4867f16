import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JOB_TYPES } from '@app/contracts';
import { JobThroughputQueries } from '@app/read-models';
import { RequiresRole } from '../../auth/route-access';
import { ValidQuery } from '../../http/request-dto.pipe';
import { ApiProblem } from '../../openapi/api-problem.decorator';
import { ThroughputQuery } from './throughput.query';
import { ThroughputResponse } from './throughput.responses';
import { DEFAULT_THROUGHPUT_MINUTES, throughputSeries, throughputWindow } from './throughput-series';

/** Jobs finished per second and their end-to-end latency, from the read model (every tenant). */
@ApiTags('operations')
@RequiresRole('admin')
@Controller('admin/throughput')
export class ThroughputAdminController {
  constructor(@Inject(JobThroughputQueries) private readonly queries: JobThroughputQueries) {}

  @Get()
  @ApiOperation({
    operationId: 'getThroughput',
    summary: 'Jobs finished per second and end-to-end latency p50/p99, per interval and job type',
    description:
      'Every tenant’s jobs that finished (SUCCEEDED, FAILED or CANCELLED) in the last `minutes`, in 60 intervals ' +
      'of `minutes` seconds aligned to multiples of it, per job type and for all types together; latency is ' +
      '`finishedAt - createdAt` (a re-run counts from the job’s creation). Read from the projection, so it lags ' +
      'the log by the projector’s lag.',
  })
  @ApiOkResponse({ type: ThroughputResponse })
  @ApiProblem(400, 'Invalid query (field errors)')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async get(@ValidQuery(ThroughputQuery) parsed: ThroughputQuery): Promise<ThroughputResponse> {
    const now = new Date();
    const window = throughputWindow(
      now,
      parsed.minutes === undefined ? DEFAULT_THROUGHPUT_MINUTES : Number(parsed.minutes),
    );
    const rows = await this.queries.finishedBuckets(window.from, window.to, window.bucketSeconds);
    return {
      minutes: window.minutes,
      bucketSeconds: window.bucketSeconds,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      sampledAt: now.toISOString(),
      series: throughputSeries(window, rows, JOB_TYPES, now),
    };
  }
}
