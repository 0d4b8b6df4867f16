import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '@app/platform';
import { findCaller } from './caller';

const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One `audit` log line per state-changing request that succeeded (submit, cancel, re-run, replay,
 * redrive, rebuild, key changes), written when its answer is sent: the route, its ids, the key's id,
 * role and tenant, and the status. Never the key's secret. Events the request made carry the same key
 * as `actor`. (An Express hook rather than a Nest interceptor: an interceptor on every route cost the
 * gateway about a tenth of its CPU per request.)
 */
export function auditTrail(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const caller = findCaller(req);
    if (caller !== undefined && !READS.has(req.method)) {
      res.once('finish', () => {
        if (res.statusCode >= 400) return;
        const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
        logger.info(
          {
            audit: {
              action: `${req.method} ${route}`,
              ...req.params,
              keyId: caller.keyId,
              role: caller.role,
              tenant: caller.tenant,
              status: res.statusCode,
            },
            correlationId: (res.locals as { correlationId?: string }).correlationId,
          },
          'audit',
        );
      });
    }
    next();
  };
}
