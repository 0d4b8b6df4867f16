import { Controller, Get, Inject, Param, Post, Res, type PipeTransform } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DeadLetterQueries } from '@app/read-models';
import { actorOf, CurrentCaller, type Caller } from '../../auth/caller';
import { RequiresRole } from '../../auth/route-access';
import { DeadLetterNotFoundError, RequestValidationError } from '../../http/api-errors';
import { pageOptions } from '../../http/page-query';
import { isUuid } from '../../http/parse-request';
import { ValidQuery } from '../../http/request-dto.pipe';
import { ApiProblem } from '../../openapi/api-problem.decorator';
import { DeadLetterRedriver } from './dead-letter-redriver';
import {
  DeadLetterPageResponse,
  DeadLetterRedriveResponse,
  DeadLetterResponse,
} from './dto/dead-letter.responses';
import { ListDeadLettersQuery } from './dto/list-dead-letters.query';

const DEAD_LETTER_ID_PARAM = {
  name: 'id',
  description: 'The entry id (a UUID; anything else is a 400)',
  schema: { type: 'string', format: 'uuid', example: '0b5e3c7a-3f1d-4c1e-8f7a-2a9d6c4b1e0f' },
} as const;

/** An entry id is a UUID, else 400. */
class DeadLetterIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (!isUuid(id)) throw new RequestValidationError([{ path: 'id', message: 'id must be a UUID' }]);
    return id;
  }
}

/** The dead-letter queue: messages consumers gave up on, and sending one back to its topic. */
@ApiTags('operations')
@RequiresRole('admin')
@Controller('admin/dlq')
export class DeadLettersAdminController {
  constructor(
    @Inject(DeadLetterQueries) private readonly deadLetters: DeadLetterQueries,
    @Inject(DeadLetterRedriver) private readonly redriver: DeadLetterRedriver,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listDeadLetters', summary: 'Dead-letter entries, newest first' })
  @ApiOkResponse({ type: DeadLetterPageResponse })
  @ApiProblem(400, 'Invalid query (field errors)')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async list(
    @ValidQuery(ListDeadLettersQuery) parsed: ListDeadLettersQuery,
  ): Promise<DeadLetterPageResponse> {
    return this.deadLetters.list({
      reason: parsed.reason,
      topic: parsed.topic,
      tenant: parsed.tenant,
      ...pageOptions(parsed),
    });
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getDeadLetter', summary: 'One dead-letter entry' })
  @ApiParam(DEAD_LETTER_ID_PARAM)
  @ApiOkResponse({ type: DeadLetterResponse })
  @ApiProblem(400, 'The id is not a UUID')
  @ApiProblem(404, 'No such entry')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async get(@Param('id', DeadLetterIdPipe) id: string): Promise<DeadLetterResponse> {
    const entry = await this.deadLetters.get(id.toLowerCase());
    if (!entry) throw new DeadLetterNotFoundError(id);
    return entry;
  }

  @Post(':id/redrive')
  @ApiOperation({
    operationId: 'redriveDeadLetter',
    summary: 'Send the original message back to its source topic',
    description:
      'Same key, value bytes and headers, to `source.topic`. Idempotent: the entry is marked redriven first, so a second redrive sends nothing and answers 200 with `alreadyRedriven: true`. When Kafka does not acknowledge, the mark is undone and the answer is 503 with Retry-After.',
  })
  @ApiAcceptedResponse({ type: DeadLetterRedriveResponse, description: 'Sent back' })
  @ApiOkResponse({ type: DeadLetterRedriveResponse, description: 'Already redriven before; nothing sent' })
  @ApiParam(DEAD_LETTER_ID_PARAM)
  @ApiProblem(400, 'The id is not a UUID')
  @ApiProblem(404, 'No such entry')
  @ApiProblem(409, 'A retriesExhausted entry whose job is running again')
  @ApiProblem(503, 'Kafka or PostgreSQL unavailable; see Retry-After')
  async redrive(
    @Param('id', DeadLetterIdPipe) id: string,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<DeadLetterRedriveResponse> {
    const outcome = await this.redriver.redrive(id.toLowerCase(), actorOf(caller));
    if (!outcome) throw new DeadLetterNotFoundError(id);
    res.status(outcome.alreadyRedriven ? 200 : 202);
    return { ...outcome.entry, alreadyRedriven: outcome.alreadyRedriven };
  }
}
