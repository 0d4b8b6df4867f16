import type { OcrEngine, OcrResult } from './ocr-types';
import { PageOcr } from './page-ocr';

class FakeEngine implements OcrEngine {
  readonly calls: Buffer[] = [];
  async recognize(png: Buffer): Promise<OcrResult> {
    this.calls.push(png);
    return { text: 'FLOOR PLAN', blocks: [{ text: 'FLOOR', bbox: [1, 2, 3, 4], confidence: 0.91 }] };
  }
}

const words = (n: number): { text: string; bbox: [number, number, number, number] }[] =>
  Array.from({ length: n }, (_, i) => ({ text: `W${i}`, bbox: [i * 10, 0, i * 10 + 8, 10] }));

describe('PageOcr', () => {
  const image = Buffer.from('png');

  it('uses the PDF text layer when it has enough words, without calling the engine', async () => {
    const engine = new FakeEngine();
    const ocr = new PageOcr(engine, { minTextLayerWords: 3 });
    const layer = { text: 'W0 W1 W2', words: words(3) };
    const result = await ocr.run({ pageNo: 4, image, textLayer: layer });
    expect(engine.calls).toHaveLength(0);
    expect(result).toEqual({
      pageNo: 4,
      engine: 'pdf-text',
      text: 'W0 W1 W2',
      blocks: [
        { text: 'W0', bbox: [0, 0, 8, 10], confidence: 1 },
        { text: 'W1', bbox: [10, 0, 18, 10], confidence: 1 },
        { text: 'W2', bbox: [20, 0, 28, 10], confidence: 1 },
      ],
    });
  });

  it('OCRs a page without text layer', async () => {
    const engine = new FakeEngine();
    const result = await new PageOcr(engine).run({ pageNo: 1, image, textLayer: null });
    expect(engine.calls).toEqual([image]);
    expect(result).toEqual({
      pageNo: 1,
      engine: 'tesseract',
      text: 'FLOOR PLAN',
      blocks: [{ text: 'FLOOR', bbox: [1, 2, 3, 4], confidence: 0.91 }],
    });
  });

  it('OCRs a page whose text layer is too thin (e.g. a stamp on a scan)', async () => {
    const engine = new FakeEngine();
    const layer = {
      text: 'APPROVED',
      words: [{ text: 'APPROVED', bbox: [0, 0, 1, 1] as [number, number, number, number] }],
    };
    const result = await new PageOcr(engine).run({ pageNo: 2, image, textLayer: layer });
    expect(result.engine).toBe('tesseract');
  });

  it('does not count punctuation-only words towards the threshold', async () => {
    const engine = new FakeEngine();
    const layer = {
      text: '- - - x',
      words: [
        ...['-', '-', '-'].map((t) => ({ text: t, bbox: [0, 0, 1, 1] as [number, number, number, number] })),
        ...words(1),
      ],
    };
    const result = await new PageOcr(engine, { minTextLayerWords: 2 }).run({
      pageNo: 2,
      image,
      textLayer: layer,
    });
    expect(result.engine).toBe('tesseract');
  });
});
