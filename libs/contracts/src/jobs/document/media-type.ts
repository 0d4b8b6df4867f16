export type MediaType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/tiff';

export const SUPPORTED_MEDIA_TYPES: readonly MediaType[] = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/tiff',
];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PDF readers accept the header anywhere in the first KiB (some producers prepend junk). */
const PDF_HEADER_WINDOW = 1024;

/**
 * Media type by magic bytes only (the file name and declared content type are never trusted).
 * Returns `null` for anything that is not one of the supported types.
 */
export function detectMediaType(bytes: Buffer): MediaType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 4 && isTiffHeader(bytes)) return 'image/tiff';
  if (bytes.subarray(0, PDF_HEADER_WINDOW).includes('%PDF-', 0, 'latin1')) return 'application/pdf';
  return null;
}

function isTiffHeader(bytes: Buffer): boolean {
  const littleEndian = bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0x00;
  const bigEndian = bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0x00 && bytes[3] === 0x2a;
  return littleEndian || bigEndian;
}
