import { MupdfPool } from '../mupdf/mupdf-pool';
import { ENCRYPTED_PDF, TINY_JPEG } from '../../../testing/binary-fixtures';
import { buildTestPdf } from '../../../testing/pdf-builder';
import { encodeGrayPng, encodeGrayTiff, solidGray } from '../../../testing/raster-builder';
import { DocumentError } from './document-error';
import { DocumentInspector } from './document-inspector';

describe('DocumentInspector', () => {
  const pool = new MupdfPool({ maxThreads: 2 });
  const inspector = new DocumentInspector(pool);
  afterAll(() => pool.destroy());

  const rejection = async (bytes: Buffer): Promise<DocumentError> => {
    const error: unknown = await inspector.inspect(bytes).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DocumentError);
    return error as DocumentError;
  };

  it('returns media type and page count of a good PDF', async () => {
    const pdf = buildTestPdf([{ texts: [{ text: 'A-101', x: 10, y: 10 }] }, {}, {}]);
    await expect(inspector.inspect(pdf)).resolves.toEqual({ mediaType: 'application/pdf', pageCount: 3 });
  });

  it('accepts PNG, JPEG and counts TIFF pages', async () => {
    await expect(inspector.inspect(encodeGrayPng(solidGray(4, 4, 0)))).resolves.toEqual({
      mediaType: 'image/png',
      pageCount: 1,
    });
    await expect(inspector.inspect(TINY_JPEG)).resolves.toEqual({ mediaType: 'image/jpeg', pageCount: 1 });
    const tiff = encodeGrayTiff([solidGray(4, 4, 0), solidGray(6, 3, 255)]);
    await expect(inspector.inspect(tiff)).resolves.toEqual({ mediaType: 'image/tiff', pageCount: 2 });
  });

  it('EMPTY_FILE for zero bytes', async () => {
    expect((await rejection(Buffer.alloc(0))).code).toBe('EMPTY_FILE');
  });

  it('UNSUPPORTED_MEDIA_TYPE for anything else', async () => {
    expect((await rejection(Buffer.from('PK\x03\x04 word document'))).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('CORRUPT_DOCUMENT for a PDF header followed by garbage', async () => {
    const error = await rejection(Buffer.from('%PDF-1.7\nthis is not really a pdf at all\n'));
    expect(error.code).toBe('CORRUPT_DOCUMENT');
    expect(error.retryable).toBe(false);
  });

  it('ENCRYPTED_DOCUMENT for a password-protected PDF', async () => {
    expect((await rejection(ENCRYPTED_PDF)).code).toBe('ENCRYPTED_DOCUMENT');
  });

  it('CORRUPT_DOCUMENT for truncated images', async () => {
    const png = encodeGrayPng(solidGray(32, 32, 0));
    expect((await rejection(png.subarray(0, png.length - 16))).code).toBe('CORRUPT_DOCUMENT');
    expect((await rejection(TINY_JPEG.subarray(0, 100))).code).toBe('CORRUPT_DOCUMENT');
  });

  it('CORRUPT_DOCUMENT for a PNG whose compressed data is garbage', async () => {
    const png = encodeGrayPng(solidGray(32, 32, 0));
    const idat = png.indexOf('IDAT');
    const broken = Buffer.from(png);
    broken.fill(0xab, idat + 4, idat + 20); // keeps the chunk structure, breaks zlib
    expect((await rejection(broken)).code).toBe('CORRUPT_DOCUMENT');
  });
});
