import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PUBLIC_ROUTE } from '@app/platform';
import type { ApiKeyRole } from '@app/read-models';
import { ForbiddenError, UnauthenticatedError } from '../http/api-errors';
import { findCaller } from './caller';
import { REQUIRED_ROLE, roleAllows } from './route-access';

/**
 * Every route needs a caller (set by the authentication middleware from the request's API key) whose
 * role is at least the route's `RequiresRole`, except routes marked `PublicRoute`. A route that states
 * neither is denied to everyone, so a new route is closed until it says who may call it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const required = this.reflector.getAllAndOverride<ApiKeyRole | undefined>(REQUIRED_ROLE, targets);
    const caller = findCaller(context.switchToHttp().getRequest<Request>());
    // Only on a path the middleware lets through without a key that is not a public route.
    if (caller === undefined) throw new UnauthenticatedError('missing');
    if (required === undefined) throw new ForbiddenError('This route is not open to any key');
    if (!roleAllows(caller.role, required)) {
      throw new ForbiddenError(`This route needs a ${required} key; this key is a ${caller.role} key`);
    }
    return true;
  }
}
