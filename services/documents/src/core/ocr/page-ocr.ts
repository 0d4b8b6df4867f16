import type { TextLayer } from '../split/split-types';
import type { OcrEngine, PageOcrResult } from './ocr-types';

export interface PageOcrInput {
  pageNo: number;
  /** PNG of the page (see DocumentSplitter). */
  image: Buffer;
  textLayer: TextLayer | null;
}

export interface PageOcrOptions {
  /** A text layer with at least this many words (containing a letter or digit) skips OCR. Default 8. */
  minTextLayerWords?: number;
}

/**
 * OCR stage of one page. Fast path: a page whose PDF text layer is substantial is not OCR'd; its words
 * become the blocks (confidence 1). Otherwise the page image goes to the OCR engine.
 */
export class PageOcr {
  private readonly minWords: number;

  constructor(
    private readonly engine: OcrEngine,
    options: PageOcrOptions = {},
  ) {
    this.minWords = options.minTextLayerWords ?? 8;
  }

  async run(page: PageOcrInput, signal?: AbortSignal): Promise<PageOcrResult> {
    if (page.textLayer && this.hasEnoughWords(page.textLayer)) {
      return {
        pageNo: page.pageNo,
        engine: 'pdf-text',
        text: page.textLayer.text,
        blocks: page.textLayer.words.map((w) => ({ text: w.text, bbox: [...w.bbox], confidence: 1 })),
      };
    }
    const result = await this.engine.recognize(page.image, signal);
    return { pageNo: page.pageNo, engine: 'tesseract', text: result.text, blocks: result.blocks };
  }

  private hasEnoughWords(layer: TextLayer): boolean {
    return layer.words.filter((w) => /[\p{L}\p{N}]/u.test(w.text)).length >= this.minWords;
  }
}
