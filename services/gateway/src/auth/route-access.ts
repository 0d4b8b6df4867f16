import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { ApiKeyRole } from '@app/read-models';
import { ApiProblem } from '../openapi/api-problem.decorator';

export const REQUIRED_ROLE = 'event-jobs:required-role';

/** Each role may do what the roles below it may: admin > member > reader. */
const RANK: Readonly<Record<ApiKeyRole, number>> = { reader: 1, member: 2, admin: 3 };

export function roleAllows(held: ApiKeyRole, required: ApiKeyRole): boolean {
  return RANK[held] >= RANK[required];
}

/** The OpenAPI security schemes (registered in openapi-document.ts). */
export const BEARER_SCHEME = 'apiKey';
export const HEADER_SCHEME = 'apiKeyHeader';

/**
 * The least role a route needs (see docs/auth.md). Also documents the route's security and its 401
 * and 403 answers in the OpenAPI document.
 */
export function RequiresRole(role: ApiKeyRole): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    // Also in the document, so that clients (and the tests) can read who may call what.
    ApiExtension('x-required-role', role),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(HEADER_SCHEME),
    ApiProblem(401, 'No API key, or an unknown, revoked or expired one (see WWW-Authenticate)'),
    ApiProblem(403, `The key's role is below ${role}`),
    // Admin keys are not rate-limited.
    ...(role === 'admin'
      ? []
      : [
          ApiProblem(
            429,
            'The key’s tenant is over its request rate (TENANT_RATE_PER_SECOND), or the key over its own (KEY_RATE_LIMITS); see Retry-After',
          ),
        ]),
  );
}
