import type { NextFunction, Request, Response } from 'express';
import type { Logger, PlatformMetrics } from '@app/platform';

/** One JSON line per request: method, path, status, duration, correlation id. Never bodies or headers. */
export function requestLogging(logger: Logger, metrics: PlatformMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        correlationId: res.locals.correlationId as string | undefined,
      };
      // The route pattern, not the path: one series per endpoint, not per job id.
      const route = (req.route as { path?: string } | undefined)?.path;
      metrics.httpRequests.inc({
        method: req.method,
        route: route ? `${req.baseUrl}${route}` : 'unmatched',
        status: res.statusCode,
      });
      if (res.statusCode >= 500) logger.warn(fields, 'request failed');
      else logger.debug(fields, 'request');
    });
    next();
  };
}
