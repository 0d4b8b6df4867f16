/** Stable error codes of documents rejected at upload or while splitting. Part of the job contract. */
export type DocumentErrorCode =
  'EMPTY_FILE' | 'UNSUPPORTED_MEDIA_TYPE' | 'CORRUPT_DOCUMENT' | 'ENCRYPTED_DOCUMENT';

/** A document that cannot be processed; retrying the same bytes will fail the same way. */
export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  readonly code: DocumentErrorCode;
  readonly retryable = false;

  constructor(code: DocumentErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
