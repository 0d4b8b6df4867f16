import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyStore } from '@app/read-models';
import { RequiresRole } from '../../auth/route-access';
import { ApiKeyNotFoundError, RequestValidationError } from '../../http/api-errors';
import { ValidBody, ValidQuery } from '../../http/request-dto.pipe';
import { ApiProblem } from '../../openapi/api-problem.decorator';
import { ApiKeyResponse, CreateApiKeyRequest, CreatedApiKeyResponse, ListApiKeysQuery } from './api-keys.dto';

const KEY_ID_PATTERN = /^key_[0-9a-f]{16}$/;

/** API keys: create (the secret is in that answer only), list, revoke. Admin keys only. */
@ApiTags('operations')
@RequiresRole('admin')
@Controller('admin/keys')
export class ApiKeysAdminController {
  constructor(@Inject(ApiKeyStore) private readonly keys: ApiKeyStore) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create an API key (its secret is shown once)' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiProblem(400, 'Invalid body (field errors)')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async create(
    @ValidBody(CreateApiKeyRequest) request: CreateApiKeyRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedApiKeyResponse> {
    const expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
    if (expiresAt !== null && expiresAt.getTime() <= Date.now()) {
      throw new RequestValidationError([{ path: 'expiresAt', message: 'expiresAt must be in the future' }]);
    }
    const created = await this.keys.create({ tenant: request.tenant, role: request.role, expiresAt });
    res.setHeader('Cache-Control', 'no-store');
    return created;
  }

  @Get()
  @ApiOperation({ operationId: 'listApiKeys', summary: 'Every API key, newest first (never a secret)' })
  @ApiOkResponse({ type: [ApiKeyResponse] })
  @ApiProblem(400, 'Invalid query (field errors)')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async list(@ValidQuery(ListApiKeysQuery) query: ListApiKeysQuery): Promise<ApiKeyResponse[]> {
    return this.keys.list(query.tenant);
  }

  @Delete(':id')
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description: 'Every gateway replica refuses the key within a second. Revoking twice answers the same.',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', pattern: KEY_ID_PATTERN.source } })
  @ApiOkResponse({ type: ApiKeyResponse, description: 'Revoked; the key as it is now' })
  @ApiProblem(404, 'No such key')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async revoke(@Param('id') id: string): Promise<ApiKeyResponse> {
    const revoked = KEY_ID_PATTERN.test(id) ? await this.keys.revoke(id) : null;
    if (!revoked) throw new ApiKeyNotFoundError(id);
    return revoked;
  }
}
