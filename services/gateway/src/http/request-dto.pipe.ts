import { Body, createParamDecorator, Query, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { ApiHeader, type ApiHeaderOptions } from '@nestjs/swagger';
import type { ClassConstructor } from 'class-transformer';
import type { Request } from 'express';
import { RequestValidationError } from './api-errors';
import { parseRequest } from './parse-request';

/**
 * Validates a body or query against its DTO class (parseRequest: unknown fields, prototype keys and
 * type errors are a 400 with field errors) and hands the handler the typed instance. The same class
 * is the parameter's type, so @nestjs/swagger documents exactly what is validated.
 */
export class RequestDtoPipe<T extends object> implements PipeTransform<unknown, T> {
  constructor(
    private readonly dto: ClassConstructor<T>,
    private readonly what: 'body' | 'query',
  ) {}

  transform(value: unknown): T {
    return parseRequest(this.dto, value, this.what);
  }
}

/** `@ValidBody(CreateJobRequest) request: CreateJobRequest`: the JSON body, validated. */
export function ValidBody<T extends object>(dto: ClassConstructor<T>): ParameterDecorator {
  return Body(new RequestDtoPipe(dto, 'body'));
}

/** `@ValidQuery(ListJobsQuery) query: ListJobsQuery`: the query string, validated. */
export function ValidQuery<T extends object>(dto: ClassConstructor<T>): ParameterDecorator {
  return Query(new RequestDtoPipe(dto, 'query'));
}

/** An optional header documented with a pattern: what OpenAPI says is what the pipe accepts. */
export type PatternHeader = ApiHeaderOptions & { name: string; schema: { pattern: string } };

/** Passes an absent header through; refuses a present one that does not match its pattern (400). */
export class HeaderPatternPipe implements PipeTransform<unknown, string | undefined> {
  private readonly pattern: RegExp;

  constructor(
    private readonly header: PatternHeader,
    private readonly message: string,
  ) {
    this.pattern = new RegExp(header.schema.pattern);
  }

  transform(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !this.pattern.test(value)) {
      throw new RequestValidationError([{ path: `header.${this.header.name}`, message: this.message }]);
    }
    return value;
  }
}

/** One request header by its lower-case name (Nest's own `@Headers()` takes no pipes). */
const RequestHeader = createParamDecorator(
  (name: string, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<Request>().headers[name],
);

/**
 * `@ValidHeader(IDEMPOTENCY_KEY_HEADER, message) key: string | undefined`: documents the header on the
 * operation (as `@ApiHeader` would) and validates it against the same options' pattern.
 */
export function ValidHeader(header: PatternHeader, message: string): ParameterDecorator {
  const fromRequest = RequestHeader(header.name.toLowerCase(), new HeaderPatternPipe(header, message));
  return (target, method, index) => {
    fromRequest(target, method, index);
    const descriptor = method === undefined ? undefined : Object.getOwnPropertyDescriptor(target, method);
    if (method !== undefined && descriptor) ApiHeader(header)(target, method, descriptor);
  };
}
