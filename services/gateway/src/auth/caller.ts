import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { EventActor } from '@app/contracts';
import type { ApiKeyRole } from '@app/read-models';

/** Who is calling: the key the request presented (set by ApiKeyGuard). Never holds the secret. */
export interface Caller {
  keyId: string;
  tenant: string;
  role: ApiKeyRole;
}

/** Callers by request: a WeakMap keeps the request object's shape (a new property per request did not). */
const CALLERS = new WeakMap<Request, Caller>();

export function setCaller(req: Request, caller: Caller): void {
  CALLERS.set(req, caller);
}

export function findCaller(req: Request): Caller | undefined {
  return CALLERS.get(req);
}

export function callerOf(req: Request): Caller {
  const caller = findCaller(req);
  // Only reachable through a route without RequiresRole, which the guard denies: a wiring bug.
  if (!caller) throw new Error('no caller on this request: the route states no role');
  return caller;
}

/** The caller of the request, in a handler (`@CurrentCaller() caller: Caller`). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller =>
  callerOf(context.switchToHttp().getRequest<Request>()),
);

/** The caller as recorded on the events its request makes (audit). */
export function actorOf(caller: Caller): EventActor {
  return { keyId: caller.keyId, role: caller.role, tenant: caller.tenant };
}

/**
 * The tenants whose rows the caller may read or change: its own, or every tenant (null) for an admin.
 * Writes that create rows (a job, a document) always take `caller.tenant`.
 */
export function tenantScope(caller: Caller): string | null {
  return caller.role === 'admin' ? null : caller.tenant;
}
