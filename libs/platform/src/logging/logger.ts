import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/common-config';
import { activeTraceIds } from '../telemetry/tracing';

export type { Logger } from 'pino';

/** The process's root JSON logger. Every line carries `service`; job lines add job/correlation/trace ids. */
export function createLogger(service: string, level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Lines written inside a span (a request, a job's processing) carry its trace and span ids.
    mixin: () => activeTraceIds(),
  });
}

/** Fields every log line about a job carries. */
export interface JobLogContext {
  jobId: string;
  correlationId: string;
  traceId?: string;
  spanId?: string;
}

export function jobLogger(logger: Logger, context: JobLogContext): Logger {
  return logger.child(context);
}

/** Routes Nest's own log calls into the JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
