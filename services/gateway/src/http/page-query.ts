import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { decodeCursor, type KeysetCursor } from '@app/read-models';
import { RequestValidationError } from './api-errors';

export const DEFAULT_PAGE_LIMIT = 50;

/** The paging part of a list query (`GET /jobs`, `GET /admin/dlq`); list DTOs extend it with their filters. */
export class PageQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 200,
    default: DEFAULT_PAGE_LIMIT,
    description: 'Page size',
  })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;

  @ApiPropertyOptional({
    maxLength: 500,
    pattern: '^[A-Za-z0-9_-]*$',
    description: 'Opaque cursor (base64url) from a previous page’s `nextCursor`; any other value is a 400',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** The page size and decoded cursor of a validated list query, or a 400 when the cursor is not ours. */
export function pageOptions(query: PageQuery): { limit: number; cursor?: KeysetCursor } {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (cursor === null) throw new RequestValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
  return { limit: query.limit === undefined ? DEFAULT_PAGE_LIMIT : Number(query.limit), cursor };
}
