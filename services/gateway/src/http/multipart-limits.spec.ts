import { multerLimits, nameMultipartLimit } from './multipart-limits';

describe('multipart limits', () => {
  it('derives multer’s limits from the input limits and the upload size', () => {
    const limits = {
      maxDepth: 32,
      maxKeysPerObject: 1000,
      maxTotalKeys: 10_000,
      maxArrayItems: 10_000,
      maxStringLength: 16_384,
    };
    expect(multerLimits(limits, 5_000_000)).toEqual({
      fileSize: 5_000_000,
      files: 1,
      fields: 1000,
      parts: 1001,
      fieldSize: 16_384,
      fieldNameSize: 16_384,
      fieldNestingDepth: 31,
      fieldArrayIndexLimit: 9_999,
    });
  });

  it.each([
    ['File too large', 'File too large (MAX_UPLOAD_BYTES)'],
    ['Field value too long - priority', 'Field value too long - priority (GATEWAY_MAX_JSON_STRING_LENGTH)'],
    ['Field name nesting too deep - a[b]', 'Field name nesting too deep - a[b] (GATEWAY_MAX_JSON_DEPTH)'],
    [
      'Field name array index too large - a[9]',
      'Field name array index too large - a[9] (GATEWAY_MAX_JSON_ARRAY_ITEMS)',
    ],
    ['Too many fields', 'Too many fields (GATEWAY_MAX_JSON_KEYS)'],
    ['Multipart: Unexpected end of form', 'Multipart: Unexpected end of form'],
    ['No job 42', 'No job 42'],
  ])('names the variable of the limit in %j', (message, named) => {
    expect(nameMultipartLimit(message)).toBe(named);
  });
});
