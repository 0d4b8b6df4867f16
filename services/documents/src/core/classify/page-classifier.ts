import { HttpVisionClassifier, type HttpVisionClassifierOptions } from './http-vision-classifier';
import type { PageClassification } from './labels';
import { TextClassifier } from './text-classifier';
import { NullVisionClassifier, type VisionClassifier } from './vision-classifier';

export interface PageClassifierInput {
  /** OCR text of the page (see PageOcr). */
  text: string;
  /** PNG of the page, used only when the text is not usable. */
  image: Buffer;
}

export interface PageClassifierOptions {
  /** Text with fewer distinct features known to the text model goes to the vision classifier. Default 3. */
  minKnownFeatures?: number;
}

/**
 * Chooses the classifier for a page: the text classifier when the OCR text is usable, else the vision
 * classifier. Vision errors propagate (see VisionClassifierError.retryable).
 */
export class PageClassifier {
  private readonly minKnownFeatures: number;

  constructor(
    private readonly text: TextClassifier,
    private readonly vision: VisionClassifier,
    options: PageClassifierOptions = {},
  ) {
    this.minKnownFeatures = options.minKnownFeatures ?? 3;
  }

  async classify(page: PageClassifierInput, signal?: AbortSignal): Promise<PageClassification> {
    const byText = this.text.classify(page.text);
    if (byText.knownFeatures >= this.minKnownFeatures) {
      return { label: byText.label, confidence: byText.confidence, method: 'text' };
    }
    return this.vision.classify(page.image, signal);
  }
}

/** `HttpVisionClassifier` when an endpoint is configured, else `NullVisionClassifier`. */
export function createVisionClassifier(
  options: Partial<HttpVisionClassifierOptions> & { endpoint?: string | null },
): VisionClassifier {
  const { endpoint, ...rest } = options;
  return endpoint ? new HttpVisionClassifier({ ...rest, endpoint }) : new NullVisionClassifier();
}
