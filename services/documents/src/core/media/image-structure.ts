import type { MediaType } from './media-type';

/**
 * Cheap structural checks of raster containers, done before any decoding: mupdf decodes truncated
 * PNG/JPEG data with only a warning (rendering the missing part blank), so truncation is caught here.
 * Returns a reason when the container is broken, `null` when it looks complete.
 */
export function findImageStructureProblem(bytes: Buffer, mediaType: MediaType): string | null {
  switch (mediaType) {
    case 'image/png':
      return checkPng(bytes);
    case 'image/jpeg':
      return checkJpeg(bytes);
    case 'image/tiff':
      return checkTiff(bytes);
    case 'application/pdf':
      return null;
  }
}

function checkPng(bytes: Buffer): string | null {
  let offset = 8;
  let sawHeader = false;
  let sawData = false;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) return `PNG chunk ${type} is truncated`;
    if (!sawHeader) {
      if (type !== 'IHDR' || length < 8) return 'PNG does not start with an IHDR chunk';
      if (bytes.readUInt32BE(offset + 8) === 0 || bytes.readUInt32BE(offset + 12) === 0) {
        return 'PNG has a zero width or height';
      }
      sawHeader = true;
    }
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData ? null : 'PNG has no image data';
    offset = end;
  }
  return 'PNG is truncated (no IEND chunk)';
}

const JPEG_SOF_MARKERS = new Set([
  0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);

function checkJpeg(bytes: Buffer): string | null {
  let offset = 2;
  let sawFrame = false;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 'JPEG segment marker expected';
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) return 'JPEG segment is truncated';
    if (JPEG_SOF_MARKERS.has(marker)) {
      if (length < 8) return 'JPEG frame header is truncated';
      if (bytes.readUInt16BE(offset + 5) === 0 || bytes.readUInt16BE(offset + 7) === 0) {
        return 'JPEG has a zero width or height';
      }
      sawFrame = true;
    }
    if (marker === 0xda) {
      if (!sawFrame) return 'JPEG scan before frame header';
      const eoi = bytes.lastIndexOf(Buffer.from([0xff, 0xd9]));
      return eoi > offset ? null : 'JPEG is truncated (no end-of-image marker)';
    }
    offset += 2 + length;
  }
  return 'JPEG is truncated before its image data';
}

const TIFF_TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
};
const MAX_TIFF_PAGES = 10_000;

function checkTiff(bytes: Buffer): string | null {
  const le = bytes[0] === 0x49;
  const u16 = (o: number): number => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number): number => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  if (bytes.length < 8) return 'TIFF header is truncated';
  let ifd = u32(4);
  const seen = new Set<number>();
  let pages = 0;
  while (ifd !== 0) {
    if (seen.has(ifd) || ++pages > MAX_TIFF_PAGES) return 'TIFF directory chain loops';
    seen.add(ifd);
    if (ifd + 2 > bytes.length) return 'TIFF directory offset is out of range';
    const count = u16(ifd);
    if (ifd + 2 + count * 12 + 4 > bytes.length) return 'TIFF directory is truncated';
    const tags = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const entry = ifd + 2 + i * 12;
      const values = readTiffValues(bytes, entry, u16, u32);
      if (values === null) return 'TIFF tag data is out of range';
      tags.set(u16(entry), values);
    }
    const problem = checkTiffDirectory(tags, bytes.length);
    if (problem) return `TIFF page ${pages}: ${problem}`;
    ifd = u32(ifd + 2 + count * 12);
  }
  return pages === 0 ? 'TIFF has no pages' : null;
}

function readTiffValues(
  bytes: Buffer,
  entry: number,
  u16: (o: number) => number,
  u32: (o: number) => number,
): number[] | null {
  const type = u16(entry + 2);
  const count = u32(entry + 4);
  const size = TIFF_TYPE_SIZES[type] ?? 1;
  const inline = size * count <= 4;
  const start = inline ? entry + 8 : u32(entry + 8);
  if (start + size * count > bytes.length) return null;
  if (type !== 3 && type !== 4) return [];
  const values: number[] = [];
  for (let i = 0; i < Math.min(count, 1_000_000); i++) {
    values.push(type === 3 ? u16(start + i * 2) : u32(start + i * 4));
  }
  return values;
}

function checkTiffDirectory(tags: Map<number, number[]>, fileLength: number): string | null {
  const width = tags.get(256)?.[0] ?? 0;
  const height = tags.get(257)?.[0] ?? 0;
  if (width === 0 || height === 0) return 'missing or zero width/height';
  const offsets = tags.get(273) ?? tags.get(324);
  const counts = tags.get(279) ?? tags.get(325);
  if (!offsets || offsets.length === 0) return 'no strip or tile offsets';
  if (counts && counts.length !== offsets.length) return 'strip offsets and byte counts disagree';
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i] + (counts?.[i] ?? 0) > fileLength) return 'image data is truncated';
  }
  return null;
}
