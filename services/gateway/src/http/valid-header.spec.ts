import 'reflect-metadata';
import { IDEMPOTENCY_KEY_HEADER } from '../jobs/jobs.openapi';
import { IDEMPOTENCY_KEY_RULE } from '../jobs/usecases/submit-job/submit-job.command';
import { RequestValidationError } from './api-errors';
import { HeaderPatternPipe, ValidHeader } from './request-dto.pipe';

/** Where @nestjs/swagger keeps an operation's parameters (DECORATORS.API_PARAMETERS, not exported). */
const SWAGGER_PARAMETERS = 'swagger/apiParameters';

describe('@ValidHeader', () => {
  const pipe = new HeaderPatternPipe(IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_RULE);

  it('passes an absent header and one that matches the documented pattern', () => {
    expect(pipe.transform(undefined)).toBeUndefined();
    expect(pipe.transform('order-7')).toBe('order-7');
    expect(pipe.transform('~'.repeat(255))).toBe('~'.repeat(255));
  });

  it.each([
    ['a space', 'has space'],
    ['256 characters', 'x'.repeat(256)],
    ['nothing', ''],
    ['non-ASCII', 'ключ'],
  ])('refuses a key with %s with a field error (400)', (_, value) => {
    let refusal: unknown;
    try {
      pipe.transform(value);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RequestValidationError);
    expect((refusal as RequestValidationError).errors).toEqual([
      { path: 'header.Idempotency-Key', message: IDEMPOTENCY_KEY_RULE },
    ]);
  });

  it('documents on the operation the same header, with the pattern the pipe enforces', () => {
    class Handlers {
      create(@ValidHeader(IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_RULE) _key: string | undefined): void {}
    }
    const parameters = Reflect.getMetadata(SWAGGER_PARAMETERS, Handlers.prototype.create) as unknown[];

    expect(parameters).toEqual([
      expect.objectContaining({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: expect.objectContaining({ pattern: IDEMPOTENCY_KEY_HEADER.schema.pattern }),
      }),
    ]);
  });
});
