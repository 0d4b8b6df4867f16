import type { MulterModuleOptions } from '@nestjs/platform-express';
import { INPUT_LIMIT_VARIABLES, type InputLimits } from './input-limits';

export const MAX_UPLOAD_BYTES_VARIABLE = 'MAX_UPLOAD_BYTES';

type NestMulterLimits = NonNullable<MulterModuleOptions['limits']>;

/** Nest's typing of multer's limits, plus the two multer 2.5 added for bracketed field names. */
export interface MultipartLimits extends NestMulterLimits {
  fieldNestingDepth: number;
  fieldArrayIndexLimit: number;
}

/**
 * multer's limits for uploads, from the same input limits as JSON bodies: a field value or name is a
 * string, the fields are an object's properties, `a[b][c]` nests like JSON, `a[7]` is an array index.
 * Without them multer would take any number of fields, field names nested any deep, and `a[99999999]`
 * would make a sparse array that later code walks item by item.
 */
export function multerLimits(limits: InputLimits, maxUploadBytes: number): MultipartLimits {
  return {
    fileSize: maxUploadBytes,
    files: 1,
    fields: limits.maxKeysPerObject,
    parts: limits.maxKeysPerObject + 1,
    fieldSize: limits.maxStringLength,
    fieldNameSize: limits.maxStringLength,
    fieldNestingDepth: limits.maxDepth - 1,
    fieldArrayIndexLimit: limits.maxArrayItems - 1,
  };
}

/** multer's messages (Nest keeps them as the exception's message) and the variable of the limit each reports. */
const VARIABLE_BY_MULTER_MESSAGE: ReadonlyArray<readonly [string, string]> = [
  ['File too large', MAX_UPLOAD_BYTES_VARIABLE],
  ['Too many parts', INPUT_LIMIT_VARIABLES.maxKeysPerObject],
  ['Too many fields', INPUT_LIMIT_VARIABLES.maxKeysPerObject],
  ['Field name too long', INPUT_LIMIT_VARIABLES.maxStringLength],
  ['Field value too long', INPUT_LIMIT_VARIABLES.maxStringLength],
  ['Field name nesting too deep', INPUT_LIMIT_VARIABLES.maxDepth],
  ['Field name array index too large', INPUT_LIMIT_VARIABLES.maxArrayItems],
];

/** An upload error's message with the limit's variable appended, or the message unchanged. */
export function nameMultipartLimit(message: string): string {
  for (const [prefix, variable] of VARIABLE_BY_MULTER_MESSAGE) {
    if (message.startsWith(prefix)) return `${message} (${variable})`;
  }
  return message;
}
