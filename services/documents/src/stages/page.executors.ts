import type { JobRequestedData, OcrBlockDto, SplitPageDto } from '@app/contracts';
import type { BlobStore, StageExecutionContext, StageExecutor } from '@app/platform';
import type { PageClassifier, PageOcr, ScaleFinder, TextLayer } from '../core';

/**
 * ocr (per page): the text layer when the PDF has a real one, else Tesseract on the page image. Reports
 * the page under way as progress (0 of 1 page), which only a slow page sends.
 */
export class OcrExecutor implements StageExecutor {
  constructor(
    private readonly ocr: PageOcr,
    private readonly blobs: BlobStore,
  ) {}

  async execute(request: JobRequestedData, context: StageExecutionContext): Promise<Record<string, unknown>> {
    const page = request.input.page as SplitPageDto;
    // The page's OCR under way: reported only if it runs past STAGE_PROGRESS_AFTER_MS.
    context.progress({ done: 0, total: 1, unit: 'pages', message: `recognising page ${page.pageNo}` });
    const image = await this.blobs.get(context.tenantId, page.image);
    const textLayer = page.textLayer
      ? (JSON.parse((await this.blobs.get(context.tenantId, page.textLayer)).toString('utf8')) as TextLayer)
      : null;
    const result = await this.ocr.run({ pageNo: page.pageNo, image, textLayer }, context.signal);
    return {
      pageNo: page.pageNo,
      engine: result.engine,
      text: result.text,
      blocks: result.blocks,
      image: page.image,
    };
  }
}

/** classify (per page): the text classifier, or the vision classifier when the text is not usable. */
export class ClassifyExecutor implements StageExecutor {
  constructor(
    private readonly classifier: PageClassifier,
    private readonly blobs: BlobStore,
  ) {}

  async execute(request: JobRequestedData, context: StageExecutionContext): Promise<Record<string, unknown>> {
    const { pageNo, text, image } = request.input as { pageNo: number; text: string; image: string };
    const classification = await this.classifier.classify(
      { text, image: await this.blobs.get(context.tenantId, image) },
      context.signal,
    );
    return {
      pageNo,
      label: classification.label,
      confidence: classification.confidence,
      method: classification.method,
    };
  }
}

/** scale (per page): every scale notation, located on the sheet through the OCR blocks. */
export class ScaleExecutor implements StageExecutor {
  constructor(private readonly finder: ScaleFinder) {}

  async execute(request: JobRequestedData): Promise<Record<string, unknown>> {
    const { pageNo, text, blocks } = request.input as { pageNo: number; text: string; blocks: OcrBlockDto[] };
    const found = this.finder.find({
      text,
      blocks: blocks.map((block) => ({
        text: block.text,
        bbox: block.bbox as [number, number, number, number],
      })),
    });
    return { pageNo, findings: found.findings, primary: found.primary };
  }
}
