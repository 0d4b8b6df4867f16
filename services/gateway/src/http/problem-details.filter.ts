import { ArgumentsHost, Catch, HttpException, NotFoundException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { KafkaUnavailableError, type Logger } from '@app/platform';
import { isDatabaseUnavailable } from '@app/read-models';
import {
  DeadLetterNotFoundError,
  TraceNotFoundError,
  AdmissionRejectedError,
  DependencyNotConfiguredError,
  DependencyUnavailableError,
  IdempotencyKeyReusedError,
  IdempotentRequestInProgressError,
  JobConflictError,
  UnsupportedMediaTypeError,
  JobNotFoundError,
  RequestValidationError,
  ForbiddenError,
  ApiKeyNotFoundError,
  TenantBacklogShareError,
  UnauthenticatedError,
  StreamCapacityError,
} from './api-errors';
import { sendUnauthenticated } from '../auth/authentication.middleware';
import type { AllowedMethods } from './allowed-methods';
import { nameMultipartLimit } from './multipart-limits';
import { problem, sendProblem, type Problem } from './problem';

/** Maps every error to RFC 9457 problem+json. Unknown errors are logged and answered 500 without detail. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly retryAfterSeconds: number,
    private readonly allowedMethods?: AllowedMethods,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const instance = req.originalUrl.split('?')[0];
    const retryAfter = { 'Retry-After': String(this.retryAfterSeconds) };

    if (error instanceof UnauthenticatedError) {
      return sendUnauthenticated(res, error, instance);
    }
    if (error instanceof ForbiddenError) return sendProblem(res, problem(403, error.message, { instance }));
    if (error instanceof RequestValidationError) {
      return sendProblem(res, problem(400, error.message, { instance, errors: error.errors }));
    }
    if (
      error instanceof JobNotFoundError ||
      error instanceof DeadLetterNotFoundError ||
      error instanceof ApiKeyNotFoundError ||
      error instanceof TraceNotFoundError
    )
      return sendProblem(res, problem(404, error.message, { instance }));
    if (error instanceof UnsupportedMediaTypeError)
      return sendProblem(res, problem(415, error.message, { instance }));
    if (error instanceof JobConflictError) return sendProblem(res, problem(409, error.message, { instance }));
    if (error instanceof IdempotencyKeyReusedError)
      return sendProblem(res, problem(422, error.message, { instance }));
    if (error instanceof IdempotentRequestInProgressError) {
      return sendProblem(res, problem(409, error.message, { instance }), { 'Retry-After': '1' });
    }
    if (error instanceof TenantBacklogShareError) {
      return sendProblem(res, problem(429, error.message, { instance }), {
        'Retry-After': String(error.retryAfterSeconds),
      });
    }
    if (error instanceof AdmissionRejectedError || error instanceof StreamCapacityError) {
      return sendProblem(res, problem(503, error.message, { instance }), {
        'Retry-After': String(error.retryAfterSeconds),
      });
    }
    if (error instanceof KafkaUnavailableError) {
      this.logger.warn({ err: error.message, path: instance }, 'Kafka unavailable');
      return sendProblem(
        res,
        problem(503, 'The event log (Kafka) is unavailable; retry later', { instance }),
        retryAfter,
      );
    }
    if (error instanceof DependencyNotConfiguredError) {
      return sendProblem(res, problem(503, error.message, { instance }));
    }
    if (error instanceof DependencyUnavailableError) {
      this.logger.warn({ dependency: error.dependency, path: instance }, 'dependency unavailable');
      return sendProblem(res, problem(503, error.message + '; retry later', { instance }), retryAfter);
    }
    // Nest's fallback for requests no route matched: a known path asked with another method is a 405.
    if (error instanceof NotFoundException && req.route === undefined && this.allowedMethods) {
      const allowed = this.allowedMethods.of(req.path);
      if (allowed.length > 0) {
        const detail = `${req.method} is not allowed on ${instance}; use ${allowed.join(', ')}`;
        return sendProblem(res, problem(405, detail, { instance }), { Allow: allowed.join(', ') });
      }
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const message =
        typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : error.message;
      // Upload limits surface as Nest's exceptions carrying multer's message.
      const detail = nameMultipartLimit(message);
      const extra: Partial<Problem> = { instance };
      return sendProblem(res, problem(status, detail, extra));
    }
    if (isDatabaseUnavailable(error)) {
      this.logger.warn({ err: (error as Error).message, path: instance }, 'Postgres unavailable');
      return sendProblem(
        res,
        problem(503, 'The read models (PostgreSQL) are unavailable; retry later', { instance }),
        retryAfter,
      );
    }
    this.logger.error({ err: error, path: instance }, 'unhandled error');
    return sendProblem(res, problem(500, 'An unexpected error occurred', { instance }));
  }
}
