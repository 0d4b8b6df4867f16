import { Body, Query, type PipeTransform } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
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
