import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { JobQueries } from '@app/read-models';
import { SERVICE_CONFIG } from '@app/platform';
import { CurrentCaller, tenantScope, type Caller } from '../../auth/caller';
import { RequiresRole } from '../../auth/route-access';
import type { GatewayConfig } from '../../gateway.config';
import { JobNotFoundError, TraceNotFoundError } from '../../http/api-errors';
import { isUuid } from '../../http/parse-request';
import { ApiProblem } from '../../openapi/api-problem.decorator';
import { JOB_ID_PARAM } from '../jobs.openapi';
import { JaegerTraceReader } from './jaeger-trace-reader';
import { JobTraceResponse } from './job-trace.responses';

/** `GET /jobs/{id}/trace`: the job's trace from Jaeger, for the console's waterfall. */
@ApiTags('jobs')
@Controller('jobs')
export class JobTraceController {
  constructor(
    @Inject(JobQueries) private readonly jobs: JobQueries,
    @Inject(JaegerTraceReader) private readonly traces: JaegerTraceReader,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get(':id/trace')
  @RequiresRole('reader')
  @ApiOperation({
    operationId: 'getJobTrace',
    summary: 'The job’s trace (spans of every service) from Jaeger',
    description:
      'Read from Jaeger’s query API (JAEGER_QUERY_URL) by the job’s trace id, or by the `job.id` tag when ' +
      'the job has none, and answered in this small shape (never Jaeger’s own payload). Spans reach Jaeger ' +
      'in batches: a job that just finished may have no trace, or only part of it, for a few seconds.',
  })
  @ApiParam(JOB_ID_PARAM)
  @ApiOkResponse({ type: JobTraceResponse })
  @ApiProblem(404, 'No such job, or Jaeger has no trace of it (yet)')
  @ApiProblem(
    503,
    'Jaeger does not answer in time or PostgreSQL is unavailable (with Retry-After), or Jaeger is not ' +
      'configured on this gateway (JAEGER_QUERY_URL; without Retry-After)',
  )
  async trace(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<JobTraceResponse> {
    const job = isUuid(id) ? await this.jobs.getJob(tenantScope(caller), id) : null;
    if (!job) throw new JobNotFoundError(id);
    const trace = await this.traces.jobTrace(job.id, job.traceId);
    if (!trace) throw new TraceNotFoundError(job.id);
    const ui = this.config.jaeger.uiUrl;
    return { ...trace, uiUrl: ui === undefined ? null : `${ui}/trace/${trace.traceId}` };
  }
}
