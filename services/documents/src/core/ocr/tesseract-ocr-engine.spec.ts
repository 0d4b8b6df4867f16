import { MupdfPool } from '../mupdf/mupdf-pool';
import { DocumentSplitter } from '../split/document-splitter';
import { buildTestPdf } from '../../../testing/pdf-builder';
import { TesseractOcrEngine } from './tesseract-ocr-engine';

describe('TesseractOcrEngine (real tesseract.js, offline model)', () => {
  const pool = new MupdfPool({ maxThreads: 1 });
  const engine = new TesseractOcrEngine({ concurrency: 1 });
  let page: Buffer;

  beforeAll(async () => {
    const pdf = buildTestPdf([
      {
        width: 612,
        height: 200,
        texts: [
          { text: 'FLOOR PLAN SCALE 1:100', x: 40, y: 120, size: 24 },
          { text: 'SHEET A-101', x: 40, y: 60, size: 18 },
        ],
      },
    ]);
    const { pages } = await new DocumentSplitter(pool).split(pdf, 'application/pdf', {
      dpi: 150,
      grayscale: true,
    });
    page = pages[0].image;
  });

  afterAll(async () => {
    await engine.terminate();
    await pool.destroy();
  });

  it('recognises the words of a rendered page with word boxes and confidences', async () => {
    const started = Date.now();
    const result = await engine.recognize(page);
    console.log(`tesseract OCR of one 1275x417 page (incl. worker start) took ${Date.now() - started} ms`);
    const words = result.blocks.map((b) => b.text);
    expect(words).toEqual(expect.arrayContaining(['FLOOR', 'PLAN', 'SCALE', '1:100']));
    expect(result.text).toContain('FLOOR PLAN SCALE 1:100');
    expect(result.text).toMatch(/A-101/);
    const floor = result.blocks.find((b) => b.text === 'FLOOR')!;
    expect(floor.confidence).toBeGreaterThan(0.5);
    expect(floor.confidence).toBeLessThanOrEqual(1);
    // 40pt at 150 dpi = 83 px from the left; the first line is the upper one (origin top-left).
    expect(floor.bbox[0]).toBeGreaterThan(70);
    expect(floor.bbox[0]).toBeLessThan(100);
    const sheet = result.blocks.find((b) => b.text === 'SHEET')!;
    expect(sheet.bbox[1]).toBeGreaterThan(floor.bbox[3]);
  });

  it('queues recognitions beyond its concurrency and answers them all', async () => {
    const results = await Promise.all([engine.recognize(page), engine.recognize(page)]);
    for (const r of results) expect(r.text).toContain('FLOOR PLAN');
  });

  it('rejects a queued recognition whose signal aborts, and keeps working', async () => {
    const controller = new AbortController();
    const first = engine.recognize(page);
    const queued = engine.recognize(page, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(queued).rejects.toThrow('cancelled');
    await expect(first).resolves.toMatchObject({ text: expect.stringContaining('FLOOR') });
  });

  it('rejects a running recognition on abort and replaces the busy worker', async () => {
    const controller = new AbortController();
    const running = engine.recognize(page, controller.signal);
    controller.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    await expect(engine.recognize(page)).resolves.toMatchObject({ text: expect.stringContaining('A-101') });
  });
});
