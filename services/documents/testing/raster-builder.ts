import { deflateSync } from 'node:zlib';

/** Test helpers: minimal valid PNG and (multi-page) TIFF encoders for 8-bit grayscale pixels. */
export interface GrayImage {
  width: number;
  height: number;
  /** width*height bytes, row-major, 0 = black. */
  pixels: Uint8Array;
}

export function solidGray(width: number, height: number, value: number): GrayImage {
  return { width, height, pixels: new Uint8Array(width * height).fill(value) };
}

export function encodeGrayPng(image: GrayImage): Buffer {
  const raw = Buffer.alloc((image.width + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    raw[y * (image.width + 1)] = 0; // filter: none
    Buffer.from(image.pixels.subarray(y * image.width, (y + 1) * image.width)).copy(
      raw,
      y * (image.width + 1) + 1,
    );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, grayscale, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Little-endian, uncompressed, one strip per page, 8-bit grayscale (BlackIsZero). */
export function encodeGrayTiff(pages: GrayImage[]): Buffer {
  const entryCount = 8;
  const ifdSize = 2 + entryCount * 12 + 4;
  const chunks: Buffer[] = [];
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0, 0, 0, 0]);
  chunks.push(header);
  let position = header.length;
  const ifds: { at: number; buf: Buffer }[] = [];
  for (const page of pages) {
    const dataAt = position;
    chunks.push(Buffer.from(page.pixels));
    position += page.pixels.length;
    if (position % 2) {
      chunks.push(Buffer.alloc(1));
      position += 1;
    }
    const ifd = Buffer.alloc(ifdSize);
    ifd.writeUInt16LE(entryCount, 0);
    const entries: [number, number, number][] = [
      [256, 3, page.width],
      [257, 3, page.height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, dataAt],
      [278, 3, page.height],
      [279, 4, page.pixels.length],
    ];
    entries.forEach(([tag, type, value], k) => {
      const o = 2 + k * 12;
      ifd.writeUInt16LE(tag, o);
      ifd.writeUInt16LE(type, o + 2);
      ifd.writeUInt32LE(1, o + 4);
      if (type === 3) ifd.writeUInt16LE(value, o + 8);
      else ifd.writeUInt32LE(value, o + 8);
    });
    ifds.push({ at: position, buf: ifd });
    chunks.push(ifd);
    position += ifdSize;
  }
  header.writeUInt32LE(ifds[0].at, 4);
  ifds.forEach((ifd, i) => ifd.buf.writeUInt32LE(ifds[i + 1]?.at ?? 0, ifdSize - 4));
  return Buffer.concat(chunks);
}
