import { HttpVisionClassifier } from './http-vision-classifier';
import { createVisionClassifier, PageClassifier } from './page-classifier';
import { TextClassifier } from './text-classifier';
import { NullVisionClassifier, type VisionClassification, type VisionClassifier } from './vision-classifier';

class RecordingVision implements VisionClassifier {
  readonly calls: Buffer[] = [];
  async classify(png: Buffer): Promise<VisionClassification> {
    this.calls.push(png);
    return { label: 'detail', confidence: 0.7, method: 'vision' };
  }
}

describe('PageClassifier', () => {
  const image = Buffer.from('png');

  it('uses the text classifier when the OCR text is usable', async () => {
    const vision = new RecordingVision();
    const classifier = new PageClassifier(TextClassifier.default(), vision);
    const result = await classifier.classify({
      text: 'DOOR SCHEDULE MARK WIDTH HEIGHT MATERIAL HARDWARE FIRE RATING',
      image,
    });
    expect(result.label).toBe('schedule');
    expect(result.method).toBe('text');
    expect(result.confidence).toBeGreaterThan(0.3);
    expect(vision.calls).toHaveLength(0);
  });

  it('falls back to vision for a page without usable text', async () => {
    const vision = new RecordingVision();
    const classifier = new PageClassifier(TextClassifier.default(), vision);
    await expect(classifier.classify({ text: '  ~~ |||  ', image })).resolves.toEqual({
      label: 'detail',
      confidence: 0.7,
      method: 'vision',
    });
    expect(vision.calls).toEqual([image]);
  });

  it('uses the null vision classifier when no endpoint is configured', async () => {
    const classifier = new PageClassifier(
      TextClassifier.default(),
      createVisionClassifier({ endpoint: undefined }),
    );
    await expect(classifier.classify({ text: '', image })).resolves.toEqual({
      label: 'other',
      confidence: 0.05,
      method: 'vision',
    });
  });

  it('creates the HTTP classifier when an endpoint is configured', () => {
    expect(createVisionClassifier({ endpoint: 'http://127.0.0.1:1/x' })).toBeInstanceOf(HttpVisionClassifier);
    expect(createVisionClassifier({ endpoint: '' })).toBeInstanceOf(NullVisionClassifier);
  });
});
