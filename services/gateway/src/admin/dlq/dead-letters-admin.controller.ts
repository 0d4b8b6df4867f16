import { Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DeadLetterQueries, type DeadLetterPage, type DeadLetterView } from '@app/read-models';
import { DeadLetterNotFoundError, RequestValidationError } from '../../http/api-errors';
import { pageOptions } from '../../http/page-query';
import { isUuid, parseRequest } from '../../http/parse-request';
import { ProblemResponse } from '../../jobs/dto/job.responses';
import { DeadLetterRedriver } from './dead-letter-redriver';
import {
  DeadLetterPageResponse,
  DeadLetterRedriveResponse,
  DeadLetterResponse,
} from './dto/dead-letter.responses';
import { ListDeadLettersQuery } from './dto/list-dead-letters.query';

/** The dead-letter queue: messages consumers gave up on, and sending one back to its topic. */
@ApiTags('operations')
@Controller('admin/dlq')
export class DeadLettersAdminController {
  constructor(
    @Inject(DeadLetterQueries) private readonly deadLetters: DeadLetterQueries,
    @Inject(DeadLetterRedriver) private readonly redriver: DeadLetterRedriver,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Dead-letter entries, newest first' })
  @ApiOkResponse({ type: DeadLetterPageResponse })
  @ApiBadRequestResponse({ type: ProblemResponse })
  async list(@Query() query: Record<string, unknown>): Promise<DeadLetterPage> {
    const parsed = parseRequest(ListDeadLettersQuery, query, 'query');
    return this.deadLetters.list({ reason: parsed.reason, topic: parsed.topic, ...pageOptions(parsed) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead-letter entry' })
  @ApiOkResponse({ type: DeadLetterResponse })
  @ApiBadRequestResponse({ type: ProblemResponse, description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ type: ProblemResponse })
  async get(@Param('id') id: string): Promise<DeadLetterView> {
    const entry = await this.deadLetters.get(validId(id));
    if (!entry) throw new DeadLetterNotFoundError(id);
    return entry;
  }

  @Post(':id/redrive')
  @ApiOperation({
    summary: 'Send the original message back to its source topic',
    description:
      'Same key, value bytes and headers, to `source.topic`. Idempotent: the entry is marked redriven first, so a second redrive sends nothing and answers 200 with `alreadyRedriven: true`. When Kafka does not acknowledge, the mark is undone and the answer is 503 with Retry-After.',
  })
  @ApiAcceptedResponse({ type: DeadLetterRedriveResponse, description: 'Sent back' })
  @ApiOkResponse({ type: DeadLetterRedriveResponse, description: 'Already redriven before; nothing sent' })
  @ApiBadRequestResponse({ type: ProblemResponse, description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ type: ProblemResponse })
  @ApiServiceUnavailableResponse({ type: ProblemResponse, description: 'Kafka unavailable; see Retry-After' })
  async redrive(
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeadLetterView & { alreadyRedriven: boolean }> {
    const outcome = await this.redriver.redrive(validId(id));
    if (!outcome) throw new DeadLetterNotFoundError(id);
    res.status(outcome.alreadyRedriven ? 200 : 202);
    return { ...outcome.entry, alreadyRedriven: outcome.alreadyRedriven };
  }
}

function validId(id: string): string {
  if (!isUuid(id)) throw new RequestValidationError([{ path: 'id', message: 'id must be a UUID' }]);
  return id.toLowerCase();
}
