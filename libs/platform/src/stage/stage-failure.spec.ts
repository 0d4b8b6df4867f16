import { findUnstorableText } from '@app/contracts';
import { StageFailure, toJobError } from './stage-failure';

describe('toJobError', () => {
  it('keeps the code, message and retryable of a StageFailure', () => {
    expect(toJobError(new StageFailure('HTTP_404', 'not found', false))).toEqual({
      code: 'HTTP_404',
      message: 'not found',
      retryable: false,
    });
    expect(toJobError(new StageFailure('TIMEOUT', 'too slow', true))).toEqual({
      code: 'TIMEOUT',
      message: 'too slow',
      retryable: true,
    });
  });

  it('accepts any Error with a string code and boolean retryable (duck typing)', () => {
    const error = Object.assign(new Error('rate limited'), { code: 'HTTP_429', retryable: true });
    expect(toJobError(error)).toEqual({ code: 'HTTP_429', message: 'rate limited', retryable: true });
  });

  it('maps an Error without a usable code to a retryable INTERNAL_ERROR', () => {
    // Node system errors have a string code but no retryable flag: not deliberate failures.
    const system = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toJobError(system)).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'connect ECONNREFUSED',
      retryable: true,
    });
    expect(toJobError(new TypeError('x is undefined'))).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'x is undefined',
      retryable: true,
    });
  });

  it('maps a thrown non-Error to INTERNAL_ERROR with its text', () => {
    expect(toJobError('boom')).toEqual({ code: 'INTERNAL_ERROR', message: 'boom', retryable: true });
    expect(toJobError(undefined)).toEqual({ code: 'INTERNAL_ERROR', message: 'undefined', retryable: true });
  });

  it('caps the message at 2000 characters', () => {
    const error = toJobError(new StageFailure('X', 'm'.repeat(5000), false));
    expect(error.message).toHaveLength(2000);
    expect(toJobError(new Error('e'.repeat(3000))).message).toHaveLength(2000);
  });

  it('sets the StageFailure name', () => {
    expect(new StageFailure('X', 'y', true).name).toBe('StageFailure');
  });
});

describe('toJobError keeps the code publishable', () => {
  it('caps a long code at 100 characters and replaces an empty one', () => {
    expect(toJobError(new StageFailure('C'.repeat(150), 'm', false)).code).toBe('C'.repeat(100));
    expect(toJobError(new StageFailure('', 'm', false))).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'm',
      retryable: false,
    });
  });
});

describe('toJobError keeps the text storable', () => {
  it('replaces NUL and lone surrogates in code and message, keeps surrogate pairs', () => {
    const error = toJobError(
      new StageFailure('BAD\u0000CODE', 'upstream said \ud800 and \u0000 and 😀', true),
    );
    expect(error).toEqual({
      code: 'BAD\uFFFDCODE',
      message: 'upstream said \uFFFD and \uFFFD and 😀',
      retryable: true,
    });
    expect(findUnstorableText(error)).toBeNull();
  });

  it('mends a surrogate pair the 2,000-character cap cut in two', () => {
    const message = toJobError(new Error(`${'x'.repeat(1999)}😀`)).message;
    expect(message).toBe(`${'x'.repeat(1999)}\uFFFD`);
    expect(findUnstorableText({ message })).toBeNull();
  });
});
