import 'reflect-metadata';
import { encodeCursor } from '@app/read-models';
import { ListDeadLettersQuery } from '../admin/dlq/dto/list-dead-letters.query';
import { ListJobsQuery } from '../jobs/dto/list-jobs.query';
import { RequestValidationError } from './api-errors';
import { pageOptions } from './page-query';
import { parseRequest } from './parse-request';

const CURSOR = { createdAt: '2025-01-02T03:04:05.678901Z', id: '0b0e4a52-2a4c-4f5e-9d7a-3c1f2e4d5a6b' };

function errorsOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    if (error instanceof RequestValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected a RequestValidationError');
}

describe.each([
  ['ListJobsQuery', ListJobsQuery],
  ['ListDeadLettersQuery', ListDeadLettersQuery],
])('paging of %s', (_name, dto) => {
  it('defaults to 50 items from the start', () => {
    expect(pageOptions(parseRequest(dto, {}, 'query'))).toEqual({ limit: 50, cursor: undefined });
  });

  it('reads the limit and decodes a cursor it issued', () => {
    const parsed = parseRequest(dto, { limit: '200', cursor: encodeCursor(CURSOR) }, 'query');
    expect(pageOptions(parsed)).toEqual({ limit: 200, cursor: CURSOR });
  });

  it.each(['0', '201', '1.5', 'ten'])('refuses the limit %s with the same message', (limit) => {
    expect(errorsOf(() => parseRequest(dto, { limit }, 'query'))).toEqual([
      { path: 'limit', message: 'limit must be an integer from 1 to 200' },
    ]);
  });

  it('refuses a cursor it did not issue', () => {
    const parsed = parseRequest(dto, { cursor: 'garbage!!' }, 'query');
    expect(errorsOf(() => pageOptions(parsed))).toEqual([{ path: 'cursor', message: 'cursor is not valid' }]);
  });
});

it('lists a filter error before a paging error, as before the paging was shared', () => {
  const errors = errorsOf(() => parseRequest(ListJobsQuery, { limit: '0', status: 'NOPE' }, 'query'));
  expect((errors as { path: string }[]).map((error) => error.path)).toEqual(['status', 'limit']);
});
