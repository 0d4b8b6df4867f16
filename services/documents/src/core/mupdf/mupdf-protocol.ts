/**
 * Messages between the main thread and the mupdf worker thread (structured-cloned by piscina).
 * Type-only module: the worker imports nothing at run time but node builtins and mupdf.
 */
export type RasterOrPdf = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/tiff';

export interface InspectTask {
  op: 'inspect';
  /** Document bytes; a SharedArrayBuffer view so many page tasks share one copy. */
  bytes: Uint8Array;
  mediaType: RasterOrPdf;
  /** Decode every page of a raster image to prove its data is readable. */
  decodeImages: boolean;
}

export interface RenderTask {
  op: 'render';
  bytes: Uint8Array;
  mediaType: RasterOrPdf;
  /** Zero-based page index. */
  pageIndex: number;
  /** Target resolution for PDF pages; raster pages keep their native pixel size. */
  dpi: number;
  /** Upper bound on width*height: the effective dpi is lowered to stay below it. */
  maxPixels: number;
  grayscale: boolean;
}

export type MupdfTask = InspectTask | RenderTask;

export type InspectResult =
  | { ok: true; pageCount: number }
  | { ok: false; code: 'CORRUPT_DOCUMENT' | 'ENCRYPTED_DOCUMENT'; message: string };

export interface WorkerWord {
  text: string;
  /** Pixels of the rendered PNG, origin top-left. */
  bbox: [number, number, number, number];
  /** Index of the structured-text line the word belongs to (words of one line share it). */
  line: number;
}

export type RenderResult =
  | {
      ok: true;
      width: number;
      height: number;
      /** Effective resolution of the PNG (native resolution for raster inputs). */
      dpi: number;
      png: Uint8Array;
      words: WorkerWord[];
    }
  | { ok: false; code: 'CORRUPT_DOCUMENT' | 'ENCRYPTED_DOCUMENT'; message: string };

export interface MupdfWorkerData {
  /** file:// URL of mupdf's ESM entry point, resolved by the main thread. */
  mupdfUrl: string;
}
