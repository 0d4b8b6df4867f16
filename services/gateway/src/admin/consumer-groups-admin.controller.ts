import { Controller, Get, Inject, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ConsumerGroupInspector, type ConsumerGroupView } from '@app/platform';
import { DependencyUnavailableError } from '../http/api-errors';
import { parseRequest } from '../http/parse-request';
import { ProblemResponse } from '../jobs/dto/job.responses';
import { ConsumerGroupsQuery } from './dto/consumer-groups.query';
import { ConsumerGroupsResponse } from './dto/consumer-groups.responses';

/** The deployment's consumer groups: who consumes what, and how far behind. */
@ApiTags('operations')
@Controller('admin/consumer-groups')
export class ConsumerGroupsAdminController {
  constructor(@Inject(ConsumerGroupInspector) private readonly inspector: ConsumerGroupInspector) {}

  @Get()
  @ApiOperation({
    summary: 'Consumer groups of this deployment: state, members, partitions and lag',
    description:
      'Every group whose id has this deployment’s KAFKA_TOPIC_PREFIX (shown without it). Per group: its state, its members with the partitions each holds, and per partition the committed offset, end offset and lag, plus the total lag. Read live from Kafka.',
  })
  @ApiOkResponse({ type: ConsumerGroupsResponse })
  @ApiBadRequestResponse({ type: ProblemResponse })
  @ApiServiceUnavailableResponse({ type: ProblemResponse, description: 'Kafka does not answer' })
  async list(
    @Query() query: Record<string, unknown>,
  ): Promise<{ sampledAt: string; groups: ConsumerGroupView[] }> {
    const parsed = parseRequest(ConsumerGroupsQuery, query, 'query');
    try {
      const ids = await this.inspector.groupIds({ includeControlGroups: parsed.all === 'true' });
      return { sampledAt: new Date().toISOString(), groups: await this.inspector.describe(ids) };
    } catch (error) {
      throw new DependencyUnavailableError('Kafka', error);
    }
  }
}
