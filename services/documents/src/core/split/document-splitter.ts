import { DocumentError } from '../media/document-error';
import type { MediaType } from '../media/media-type';
import { type MupdfPool, toSharedBytes } from '../mupdf/mupdf-pool';
import type { SplitOptions, SplitPage, SplitResult } from './split-types';
import { buildTextLayer } from './text-layer';

const DEFAULT_MAX_PIXELS = 50_000_000;

/**
 * Splits a document into page PNGs plus the PDF's own text layer. Pages are rendered in parallel on the
 * mupdf worker pool (one task per page, all sharing one copy of the bytes).
 */
export class DocumentSplitter {
  constructor(private readonly mupdf: MupdfPool) {}

  async split(bytes: Buffer, mediaType: MediaType, options: SplitOptions): Promise<SplitResult> {
    if (!(options.dpi > 0 && options.dpi <= 1200))
      throw new RangeError(`dpi must be in (0, 1200], got ${options.dpi}`);
    const shared = toSharedBytes(bytes);
    const inspected = await this.mupdf.inspect(
      { bytes: shared, mediaType, decodeImages: false },
      options.signal,
    );
    if (!inspected.ok) throw new DocumentError(inspected.code, inspected.message);
    const indexes = Array.from({ length: inspected.pageCount }, (_, i) => i);
    let rendered = 0;
    const pages = await Promise.all(
      indexes.map(async (pageIndex) => {
        const page = await this.renderPage(shared, mediaType, pageIndex, options);
        options.onPageRendered?.(page.pageNo, ++rendered, inspected.pageCount);
        return page;
      }),
    );
    return { pageCount: inspected.pageCount, pages };
  }

  private async renderPage(
    bytes: Uint8Array,
    mediaType: MediaType,
    pageIndex: number,
    options: SplitOptions,
  ): Promise<SplitPage> {
    const result = await this.mupdf.render(
      {
        bytes,
        mediaType,
        pageIndex,
        dpi: options.dpi,
        maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
        grayscale: options.grayscale ?? false,
      },
      options.signal,
    );
    if (!result.ok) throw new DocumentError(result.code, `page ${pageIndex + 1}: ${result.message}`);
    return {
      pageNo: pageIndex + 1,
      width: result.width,
      height: result.height,
      dpi: result.dpi,
      image: Buffer.from(result.png.buffer, result.png.byteOffset, result.png.byteLength),
      textLayer: mediaType === 'application/pdf' ? buildTextLayer(result.words) : null,
    };
  }
}
