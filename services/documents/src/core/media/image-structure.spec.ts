import { TINY_JPEG } from '../../../testing/binary-fixtures';
import { encodeGrayPng, encodeGrayTiff, solidGray } from '../../../testing/raster-builder';
import { findImageStructureProblem } from './image-structure';

describe('findImageStructureProblem', () => {
  const png = encodeGrayPng(solidGray(8, 8, 128));
  const tiff = encodeGrayTiff([solidGray(8, 4, 0), solidGray(4, 4, 255)]);

  it('accepts complete PNG, JPEG and multi-page TIFF', () => {
    expect(findImageStructureProblem(png, 'image/png')).toBeNull();
    expect(findImageStructureProblem(TINY_JPEG, 'image/jpeg')).toBeNull();
    expect(findImageStructureProblem(tiff, 'image/tiff')).toBeNull();
  });

  it('reports a truncated PNG', () => {
    expect(findImageStructureProblem(png.subarray(0, png.length - 20), 'image/png')).toMatch(/truncated/);
  });

  it('reports a PNG without IHDR', () => {
    const broken = Buffer.concat([png.subarray(0, 8), png.subarray(33)]);
    expect(findImageStructureProblem(broken, 'image/png')).toMatch(/IHDR/);
  });

  it('reports a truncated JPEG', () => {
    expect(findImageStructureProblem(TINY_JPEG.subarray(0, TINY_JPEG.length - 40), 'image/jpeg')).toMatch(
      /truncated/,
    );
  });

  it('reports a TIFF whose strip data is cut off', () => {
    const first = encodeGrayTiff([solidGray(64, 64, 0)]);
    const cut = Buffer.from(first);
    cut.writeUInt32LE(cut.length + 100, 4 + 0); // point the IFD beyond the end
    expect(findImageStructureProblem(cut, 'image/tiff')).toMatch(/out of range/);
  });

  it('reports a TIFF directory with a zero width', () => {
    const broken = Buffer.from(tiff);
    const ifd = broken.readUInt32LE(4);
    broken.writeUInt16LE(0, ifd + 2 + 8); // first entry (ImageWidth) value
    expect(findImageStructureProblem(broken, 'image/tiff')).toMatch(/width/);
  });

  it('has nothing to say about PDFs (mupdf checks them)', () => {
    expect(findImageStructureProblem(Buffer.from('%PDF-1.4'), 'application/pdf')).toBeNull();
  });
});
