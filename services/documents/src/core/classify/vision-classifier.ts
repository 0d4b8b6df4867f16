import type { PageClassification } from './labels';

export interface VisionClassification extends PageClassification {
  method: 'vision';
}

/** Classifies a page from its image, for pages without usable text. */
export interface VisionClassifier {
  classify(png: Buffer, signal?: AbortSignal): Promise<VisionClassification>;
}

/** Used when no vision endpoint is configured: every textless page is `other`, with a token confidence. */
export class NullVisionClassifier implements VisionClassifier {
  async classify(): Promise<VisionClassification> {
    return { label: 'other', confidence: 0.05, method: 'vision' };
  }
}
