import type { BlobRefDto, JobRequestedData, SplitPageDto } from '@app/contracts';
import { StageFailure, type BlobStore, type StageExecutionContext, type StageExecutor } from '@app/platform';
import { DocumentError, type DocumentSplitter } from '../core';

/**
 * split: renders every page to a PNG blob and keeps the PDF's own text layer as a JSON blob; reports
 * pages rendered of the document's pages as progress (with the page just rendered).
 */
export class SplitExecutor implements StageExecutor {
  constructor(
    private readonly splitter: DocumentSplitter,
    private readonly blobs: BlobStore,
    private readonly dpi: number,
    /** Gray page images: a third of the PNG encoding work of RGB, and what OCR reads anyway. */
    private readonly grayscale: boolean,
  ) {}

  async execute(request: JobRequestedData, context: StageExecutionContext): Promise<Record<string, unknown>> {
    const blob = (request.input as { blob: BlobRefDto }).blob;
    const bytes = await this.blobs.get(context.tenantId, blob.key);
    try {
      const split = await this.splitter.split(bytes, blob.mediaType, {
        dpi: this.dpi,
        grayscale: this.grayscale,
        signal: context.signal,
        // Per-page progress (rate-limited by the context: a quick split reports nothing).
        onPageRendered: (pageNo, rendered, pageCount) =>
          context.progress({
            done: rendered,
            total: pageCount,
            unit: 'pages',
            page: pageNo,
            message: `page ${pageNo} rendered`,
          }),
      });
      const pages: SplitPageDto[] = [];
      for (const page of split.pages) {
        pages.push({
          pageNo: page.pageNo,
          width: page.width,
          height: page.height,
          dpi: page.dpi,
          image: await this.blobs.put(context.tenantId, page.image),
          textLayer: page.textLayer
            ? await this.blobs.put(context.tenantId, Buffer.from(JSON.stringify(page.textLayer)))
            : null,
        });
      }
      return { pageCount: split.pageCount, pages };
    } catch (error) {
      // Corrupt, encrypted, not-really-PDF: the same bytes fail the same way, so never retried.
      if (error instanceof DocumentError) throw new StageFailure(error.code, error.message, false);
      throw error;
    }
  }
}
