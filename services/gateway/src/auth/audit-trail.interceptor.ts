import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { tap, type Observable } from 'rxjs';
import { LOGGER, type Logger } from '@app/platform';
import { findCaller } from './caller';

const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One `audit` log line per state-changing request that succeeded (submit, cancel, re-run, replay,
 * redrive, rebuild, key changes): the route, the key's id, role and tenant, and the route's ids.
 * Never the key's secret. Events the request made carry the same key as `actor`.
 */
@Injectable()
export class AuditTrailInterceptor implements NestInterceptor {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const caller = findCaller(req);
    if (READS.has(req.method) || caller === undefined) return next.handle();
    return next.handle().pipe(
      tap(() => {
        const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
        this.logger.info(
          {
            audit: {
              action: `${req.method} ${route}`,
              ...req.params,
              keyId: caller.keyId,
              role: caller.role,
              tenant: caller.tenant,
              status: context.switchToHttp().getResponse<Response>().statusCode,
            },
            correlationId: (
              context.switchToHttp().getResponse<Response>().locals as { correlationId?: string }
            ).correlationId,
          },
          'audit',
        );
      }),
    );
  }
}
