import type { BBox } from '../geometry/bbox';

export interface TextLayerWord {
  text: string;
  /** Pixels of the page PNG, origin top-left (see geometry/bbox.ts). */
  bbox: BBox;
}

export interface TextLayer {
  /** Words joined by single spaces, lines by '\n'. */
  text: string;
  words: TextLayerWord[];
}

export interface SplitPage {
  /** One-based page number. */
  pageNo: number;
  /** Size of `image` in pixels. */
  width: number;
  height: number;
  /** Effective resolution of `image` (requested dpi unless capped by maxPixels; native for raster inputs). */
  dpi: number;
  /** PNG rendering of the page. */
  image: Buffer;
  /** The PDF's own text, or `null` for raster pages and PDF pages without real text. */
  textLayer: TextLayer | null;
}

export interface SplitResult {
  pageCount: number;
  pages: SplitPage[];
}

export interface SplitOptions {
  /** Resolution for PDF pages. Raster inputs keep their native pixel size. */
  dpi: number;
  /** Cap on width*height per page (default 50 megapixels); the dpi is lowered to respect it. */
  maxPixels?: number;
  /** Render in DeviceGray instead of RGB (smaller PNGs, enough for OCR). Default false. */
  grayscale?: boolean;
  signal?: AbortSignal;
  /** Called as each page is rendered (in completion order): its number, pages rendered so far, pages in all. */
  onPageRendered?: (pageNo: number, rendered: number, pageCount: number) => void;
}
