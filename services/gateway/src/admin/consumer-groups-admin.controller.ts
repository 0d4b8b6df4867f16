import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConsumerGroupInspector } from '@app/platform';
import { RequiresRole } from '../auth/route-access';
import { DependencyUnavailableError } from '../http/api-errors';
import { ValidQuery } from '../http/request-dto.pipe';
import { ApiProblem } from '../openapi/api-problem.decorator';
import { ConsumerGroupsQuery } from './dto/consumer-groups.query';
import { ConsumerGroupsResponse } from './dto/consumer-groups.responses';

/** The deployment's consumer groups: who consumes what, and how far behind. */
@ApiTags('operations')
@RequiresRole('admin')
@Controller('admin/consumer-groups')
export class ConsumerGroupsAdminController {
  constructor(@Inject(ConsumerGroupInspector) private readonly inspector: ConsumerGroupInspector) {}

  @Get()
  @ApiOperation({
    operationId: 'listConsumerGroups',
    summary: 'Consumer groups of this deployment: state, members, partitions and lag',
    description:
      'Every group whose id has this deployment’s KAFKA_TOPIC_PREFIX (shown without it). Per group: its state, its members with the partitions each holds, and per partition the committed offset, end offset and lag, plus the total lag. Read live from Kafka.',
  })
  @ApiOkResponse({ type: ConsumerGroupsResponse })
  @ApiProblem(400, 'Invalid query (field errors)')
  @ApiProblem(503, 'Kafka does not answer')
  async list(@ValidQuery(ConsumerGroupsQuery) parsed: ConsumerGroupsQuery): Promise<ConsumerGroupsResponse> {
    try {
      const ids = await this.inspector.groupIds({ includeControlGroups: parsed.all === 'true' });
      return { sampledAt: new Date().toISOString(), groups: await this.inspector.describe(ids) };
    } catch (error) {
      throw new DependencyUnavailableError('Kafka', error);
    }
  }
}
