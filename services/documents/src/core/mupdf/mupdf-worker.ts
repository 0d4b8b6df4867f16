/**
 * Piscina task module that runs every mupdf call, on a worker thread.
 *
 * mupdf is ESM-only with top-level await; this file is compiled to CommonJS, where TypeScript would turn
 * `import()` into `require()`. The native dynamic import below survives compilation. The worker must stay
 * self-contained (node builtins + type-only imports) because under jest it runs from a transpiled copy
 * outside the source tree; see worker-file.ts.
 */
import { workerData } from 'node:worker_threads';
import type * as Mupdf from 'mupdf/dist/mupdf';
import type {
  InspectResult,
  InspectTask,
  MupdfTask,
  MupdfWorkerData,
  RenderResult,
  RenderTask,
  WorkerWord,
} from './mupdf-protocol';

type MupdfModule = typeof Mupdf;

// A real import() that tsc's CommonJS output cannot rewrite into require() (same trick as piscina itself).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const nativeImport = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;
let mupdfModule: Promise<MupdfModule> | undefined;

function loadMupdf(): Promise<MupdfModule> {
  const url = (workerData as MupdfWorkerData | undefined)?.mupdfUrl ?? 'mupdf';
  mupdfModule ??= nativeImport(url) as Promise<MupdfModule>;
  return mupdfModule;
}

export default async function run(task: MupdfTask): Promise<InspectResult | RenderResult> {
  const mupdf = await loadMupdf();
  return task.op === 'inspect' ? inspect(mupdf, task) : render(mupdf, task);
}

function open(mupdf: MupdfModule, task: MupdfTask): Mupdf.Document {
  return mupdf.Document.openDocument(task.bytes, task.mediaType);
}

function failure(error: unknown): { ok: false; code: 'CORRUPT_DOCUMENT'; message: string } {
  return {
    ok: false,
    code: 'CORRUPT_DOCUMENT',
    message: error instanceof Error ? error.message : String(error),
  };
}

function inspect(mupdf: MupdfModule, task: InspectTask): InspectResult {
  let doc: Mupdf.Document | undefined;
  try {
    doc = open(mupdf, task);
    if (doc.needsPassword())
      return { ok: false, code: 'ENCRYPTED_DOCUMENT', message: 'document needs a password' };
    const pageCount = doc.countPages();
    if (pageCount < 1) return { ok: false, code: 'CORRUPT_DOCUMENT', message: 'document has no pages' };
    const isRaster = task.mediaType !== 'application/pdf';
    for (let i = 0; i < (isRaster && task.decodeImages ? pageCount : 1); i++) {
      const page = doc.loadPage(i);
      if (isRaster && task.decodeImages)
        page.toPixmap(mupdf.Matrix.identity, mupdf.ColorSpace.DeviceGray).destroy();
      page.destroy();
    }
    return { ok: true, pageCount };
  } catch (error) {
    return failure(error);
  } finally {
    doc?.destroy();
  }
}

function render(mupdf: MupdfModule, task: RenderTask): RenderResult {
  let doc: Mupdf.Document | undefined;
  try {
    doc = open(mupdf, task);
    if (doc.needsPassword())
      return { ok: false, code: 'ENCRYPTED_DOCUMENT', message: 'document needs a password' };
    const page = doc.loadPage(task.pageIndex);
    try {
      return renderPage(mupdf, page, task);
    } finally {
      page.destroy();
    }
  } catch (error) {
    return failure(error);
  } finally {
    doc?.destroy();
  }
}

function renderPage(mupdf: MupdfModule, page: Mupdf.Page, task: RenderTask): RenderResult {
  const bounds = page.getBounds();
  const pageWidth = bounds[2] - bounds[0];
  const pageHeight = bounds[3] - bounds[1];
  const isRaster = task.mediaType !== 'application/pdf';
  const stext = page.toStructuredText(isRaster ? 'preserve-images' : 'preserve-whitespace');
  try {
    let scale = isRaster ? nativeRasterScale(stext, pageWidth) : task.dpi / 72;
    const pixels = pageWidth * scale * pageHeight * scale;
    if (pixels > task.maxPixels) scale *= Math.sqrt(task.maxPixels / pixels);
    const colorspace = task.grayscale ? mupdf.ColorSpace.DeviceGray : mupdf.ColorSpace.DeviceRGB;
    const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), colorspace, false, true);
    try {
      const origin: [number, number] = [pixmap.getX(), pixmap.getY()];
      return {
        ok: true,
        width: pixmap.getWidth(),
        height: pixmap.getHeight(),
        dpi: Math.round(scale * 72 * 100) / 100,
        png: pixmap.asPNG(),
        words: isRaster ? [] : collectWords(stext, scale, origin),
      };
    } finally {
      pixmap.destroy();
    }
  } finally {
    stext.destroy();
  }
}

/** Raster pages are laid out at the image's stated resolution; render them 1:1 with its pixels instead. */
function nativeRasterScale(stext: Mupdf.StructuredText, pageWidth: number): number {
  let imageWidth = 0;
  stext.walk({
    onImageBlock(_bbox, _transform, image) {
      imageWidth = Math.max(imageWidth, image.getWidth());
    },
  });
  return imageWidth > 0 && pageWidth > 0 ? imageWidth / pageWidth : 1;
}

/** Splits structured text into whitespace-separated words with pixel boxes (union of glyph quads). */
function collectWords(stext: Mupdf.StructuredText, scale: number, origin: [number, number]): WorkerWord[] {
  const words: WorkerWord[] = [];
  let line = -1;
  let current: { text: string; box: [number, number, number, number] } | null = null;
  const flush = (): void => {
    if (current) words.push({ text: current.text, bbox: toPixels(current.box, scale, origin), line });
    current = null;
  };
  stext.walk({
    beginLine() {
      flush();
      line += 1;
    },
    endLine() {
      flush();
    },
    onChar(c, _origin, _font, _size, quad) {
      if (/\s/u.test(c)) {
        flush();
        return;
      }
      const xs = [quad[0], quad[2], quad[4], quad[6]];
      const ys = [quad[1], quad[3], quad[5], quad[7]];
      const box: [number, number, number, number] = [
        Math.min(...xs),
        Math.min(...ys),
        Math.max(...xs),
        Math.max(...ys),
      ];
      if (!current) {
        current = { text: c, box };
        return;
      }
      current.text += c;
      current.box = [
        Math.min(current.box[0], box[0]),
        Math.min(current.box[1], box[1]),
        Math.max(current.box[2], box[2]),
        Math.max(current.box[3], box[3]),
      ];
    },
  });
  flush();
  return words;
}

function toPixels(
  box: [number, number, number, number],
  scale: number,
  origin: [number, number],
): [number, number, number, number] {
  const round = (v: number): number => Math.round(v * 10) / 10;
  return [
    round(box[0] * scale - origin[0]),
    round(box[1] * scale - origin[1]),
    round(box[2] * scale - origin[0]),
    round(box[3] * scale - origin[1]),
  ];
}
