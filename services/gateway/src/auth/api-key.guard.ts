import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PUBLIC_ROUTE } from '@app/platform';
import type { ApiKeyRole } from '@app/read-models';
import { ForbiddenError, UnauthenticatedError } from '../http/api-errors';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { setCaller } from './caller';
import { REQUIRED_ROLE, roleAllows } from './route-access';

/**
 * Every route needs an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) whose role is at
 * least the route's `RequiresRole`, except routes marked `PublicRoute`. A route that states neither is
 * denied to everyone, so a new route is closed until it says who may call it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const required = this.reflector.getAllAndOverride<ApiKeyRole | undefined>(REQUIRED_ROLE, targets);
    const req = context.switchToHttp().getRequest<Request>();
    const secret = presentedKey(req);
    if (secret === null) throw new UnauthenticatedError('missing');
    const caller = await this.authenticator.authenticate(secret);
    if (caller === null) throw new UnauthenticatedError('invalid');
    if (required === undefined || !roleAllows(caller.role, required)) {
      throw new ForbiddenError(
        required === undefined
          ? 'This route is not open to any key'
          : `This route needs a ${required} key; this key is a ${caller.role} key`,
      );
    }
    setCaller(req, caller);
    return true;
  }
}

/** The key from `Authorization: Bearer …`, else from `X-API-Key`; null when neither is sent. */
export function presentedKey(req: Pick<Request, 'headers'>): string | null {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  return null;
}
