import { ENCRYPTED_PDF, TINY_JPEG } from '../../../testing/binary-fixtures';
import { buildTestPdf } from '../../../testing/pdf-builder';
import { encodeGrayPng, encodeGrayTiff, solidGray } from '../../../testing/raster-builder';
import { detectMediaType } from './media-type';

describe('detectMediaType', () => {
  it.each([
    ['PDF', buildTestPdf([{}]), 'application/pdf'],
    ['encrypted PDF', ENCRYPTED_PDF, 'application/pdf'],
    [
      'PDF with junk before the header',
      Buffer.concat([Buffer.from('junk\r\n'), buildTestPdf([{}])]),
      'application/pdf',
    ],
    ['PNG', encodeGrayPng(solidGray(2, 2, 0)), 'image/png'],
    ['JPEG', TINY_JPEG, 'image/jpeg'],
    ['TIFF little-endian', encodeGrayTiff([solidGray(2, 2, 0)]), 'image/tiff'],
    ['TIFF big-endian', Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'image/tiff'],
  ])('detects %s by its magic bytes', (_name, bytes, expected) => {
    expect(detectMediaType(bytes)).toBe(expected);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['plain text', Buffer.from('hello, this is not a drawing')],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['ZIP (e.g. DOCX)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0])],
    ['truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
    ['PDF marker after the first KiB', Buffer.concat([Buffer.alloc(2048, 0x20), Buffer.from('%PDF-1.7')])],
  ])('returns null for %s', (_name, bytes) => {
    expect(detectMediaType(bytes)).toBeNull();
  });

  it('ignores what the name would say: a PNG is a PNG whatever it is called', () => {
    expect(detectMediaType(encodeGrayPng(solidGray(1, 1, 255)))).toBe('image/png');
  });
});
