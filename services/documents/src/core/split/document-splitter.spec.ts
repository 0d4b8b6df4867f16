import { DocumentError } from '../media/document-error';
import { MupdfPool } from '../mupdf/mupdf-pool';
import { ENCRYPTED_PDF, TINY_JPEG } from '../../../testing/binary-fixtures';
import { buildTestPdf } from '../../../testing/pdf-builder';
import { encodeGrayPng, encodeGrayTiff, solidGray } from '../../../testing/raster-builder';
import { DocumentSplitter } from './document-splitter';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('DocumentSplitter', () => {
  const pool = new MupdfPool({ maxThreads: 2 });
  const splitter = new DocumentSplitter(pool);
  afterAll(() => pool.destroy());

  const threePages = buildTestPdf([
    { texts: [{ text: 'FLOOR PLAN SCALE 1:100', x: 72, y: 700, size: 24 }] },
    { rects: [[100, 100, 200, 300]] },
    { width: 1224, height: 792, texts: [{ text: 'A-201 ELEVATIONS', x: 100, y: 72 }] },
  ]);

  it('renders every page of a PDF to a PNG at the requested dpi', async () => {
    const started = Date.now();
    const result = await splitter.split(threePages, 'application/pdf', { dpi: 100 });
    console.log(`split of a 3-page PDF at 100 dpi took ${Date.now() - started} ms`);
    expect(result.pageCount).toBe(3);
    expect(result.pages.map((p) => p.pageNo)).toEqual([1, 2, 3]);
    for (const page of result.pages) {
      expect(page.image.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(pngSize(page.image)).toEqual({ width: page.width, height: page.height });
      expect(page.dpi).toBe(100);
    }
    expect([result.pages[0].width, result.pages[0].height]).toEqual([850, 1100]); // 8.5x11 in
    expect([result.pages[2].width, result.pages[2].height]).toEqual([1700, 1100]); // 17x11 in
  });

  it('extracts the text layer with word boxes in image pixels, origin top-left', async () => {
    const { pages } = await splitter.split(threePages, 'application/pdf', { dpi: 144 });
    const layer = pages[0].textLayer;
    expect(layer?.text).toBe('FLOOR PLAN SCALE 1:100');
    expect(layer?.words.map((w) => w.text)).toEqual(['FLOOR', 'PLAN', 'SCALE', '1:100']);
    const [x0, y0, x1, y1] = layer!.words[0].bbox;
    // PDF x=72pt -> 144 px at 2x; baseline y=700pt from the bottom of 792pt -> ~184 px from the top.
    expect(x0).toBeCloseTo(144, 0);
    expect(y0).toBeGreaterThan(120);
    expect(y1).toBeLessThan(200);
    expect(y1).toBeGreaterThan(y0);
    expect(x1).toBeGreaterThan(x0);
    const scale = layer!.words[3].bbox;
    expect(scale[0]).toBeGreaterThan(layer!.words[2].bbox[2]); // left to right
  });

  it('gives null text layer to a page with only vector graphics', async () => {
    const { pages } = await splitter.split(threePages, 'application/pdf', { dpi: 50 });
    expect(pages[1].textLayer).toBeNull();
    expect(pages[2].textLayer?.text).toBe('A-201 ELEVATIONS');
  });

  it('keeps invisible text (OCR layer of a scanned PDF) as a text layer', async () => {
    const pdf = buildTestPdf([{ texts: [{ text: 'SECTION A-A', x: 50, y: 50, renderMode: 3 }] }]);
    const { pages } = await splitter.split(pdf, 'application/pdf', { dpi: 72 });
    expect(pages[0].textLayer?.text).toBe('SECTION A-A');
  });

  it('caps the pixel count by lowering the effective dpi', async () => {
    const pdf = buildTestPdf([{ width: 2384, height: 3370 }]); // A0 in points
    const { pages } = await splitter.split(pdf, 'application/pdf', { dpi: 300, maxPixels: 4_000_000 });
    expect(pages[0].width * pages[0].height).toBeLessThanOrEqual(4_000_000 * 1.01);
    expect(pages[0].dpi).toBeLessThan(300);
  });

  it('normalises a PNG to one PNG page at its native pixel size, without text layer', async () => {
    const { pageCount, pages } = await splitter.split(encodeGrayPng(solidGray(40, 30, 0)), 'image/png', {
      dpi: 300,
    });
    expect(pageCount).toBe(1);
    expect(pages[0]).toMatchObject({ pageNo: 1, width: 40, height: 30, textLayer: null });
    expect(pngSize(pages[0].image)).toEqual({ width: 40, height: 30 });
  });

  it('normalises a JPEG to PNG', async () => {
    const { pages } = await splitter.split(TINY_JPEG, 'image/jpeg', { dpi: 150 });
    expect(pages[0].image.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect([pages[0].width, pages[0].height]).toEqual([24, 16]);
  });

  it('splits a multi-page TIFF into one page per directory', async () => {
    const tiff = encodeGrayTiff([solidGray(20, 10, 0), solidGray(30, 15, 255), solidGray(8, 8, 128)]);
    const { pageCount, pages } = await splitter.split(tiff, 'image/tiff', { dpi: 150 });
    expect(pageCount).toBe(3);
    expect(pages.map((p) => [p.pageNo, p.width, p.height])).toEqual([
      [1, 20, 10],
      [2, 30, 15],
      [3, 8, 8],
    ]);
  });

  it('throws ENCRYPTED_DOCUMENT for a password-protected PDF', async () => {
    await expect(splitter.split(ENCRYPTED_PDF, 'application/pdf', { dpi: 72 })).rejects.toMatchObject({
      code: 'ENCRYPTED_DOCUMENT',
    });
  });

  it('throws CORRUPT_DOCUMENT for an unparseable PDF', async () => {
    const error: unknown = await splitter
      .split(Buffer.from('%PDF-1.4\ngarbage'), 'application/pdf', { dpi: 72 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).code).toBe('CORRUPT_DOCUMENT');
  });

  it('rejects an absurd dpi', async () => {
    await expect(splitter.split(threePages, 'application/pdf', { dpi: 0 })).rejects.toThrow(RangeError);
  });

  it('honours an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      splitter.split(threePages, 'application/pdf', { dpi: 72, signal: controller.signal }),
    ).rejects.toThrow();
  });
});
