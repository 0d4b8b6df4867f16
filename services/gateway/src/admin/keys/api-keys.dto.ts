import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, Matches, ValidateIf } from 'class-validator';
import { TENANT_PATTERN } from '@app/contracts';
import { API_KEY_ROLES, type ApiKeyRole } from '@app/read-models';

export const TENANT_DOC = {
  pattern: TENANT_PATTERN.source,
  example: 'acme',
  description: 'The tenant whose jobs and documents the key may see',
};

/** The body of POST /admin/keys. */
export class CreateApiKeyRequest {
  @ApiProperty(TENANT_DOC)
  @Matches(TENANT_PATTERN, { message: 'tenant must match ' + TENANT_PATTERN.source })
  tenant!: string;

  @ApiProperty({ enum: API_KEY_ROLES, example: 'member' })
  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When the key stops working (ISO 8601 with a zone, in the future); null or absent: never',
  })
  @ValidateIf((request: CreateApiKeyRequest) => request.expiresAt !== undefined && request.expiresAt !== null)
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 time' })
  expiresAt?: string | null;
}

export class ApiKeyResponse {
  @ApiProperty({
    example: 'key_3f9a1c0b7d2e4a65',
    description: 'Not secret: names the key in lists and audit',
  })
  id!: string;
  @ApiProperty({ example: 'acme' }) tenant!: string;
  @ApiProperty({ enum: API_KEY_ROLES, example: 'member' }) role!: ApiKeyRole;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
}

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({
    example: 'ejk_3q2-7wZ...',
    description:
      'The secret: shown this once, stored only as a hash. Send it as `Authorization: Bearer <key>`.',
  })
  key!: string;
}

export class ListApiKeysQuery {
  @ApiPropertyOptional({ ...TENANT_DOC, description: 'Only this tenant’s keys' })
  @ValidateIf((query: ListApiKeysQuery) => query.tenant !== undefined)
  @Matches(TENANT_PATTERN, { message: 'tenant must match ' + TENANT_PATTERN.source })
  tenant?: string;
}
