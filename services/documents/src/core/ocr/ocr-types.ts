import type { BBox } from '../geometry/bbox';

/** A recognised word: pixels of the page PNG (origin top-left), confidence in [0, 1]. */
export interface OcrBlock {
  text: string;
  bbox: BBox;
  confidence: number;
}

export interface OcrResult {
  text: string;
  /** Word-level blocks in reading order. */
  blocks: OcrBlock[];
}

export interface OcrEngine {
  recognize(png: Buffer, signal?: AbortSignal): Promise<OcrResult>;
}

export type OcrEngineName = 'pdf-text' | 'tesseract';

export interface PageOcrResult extends OcrResult {
  pageNo: number;
  engine: OcrEngineName;
}
