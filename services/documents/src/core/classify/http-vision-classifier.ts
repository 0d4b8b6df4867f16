import { isSheetLabel } from './labels';
import type { VisionClassification, VisionClassifier } from './vision-classifier';

export interface HttpVisionClassifierOptions {
  /** Absolute http(s) URL; receives the page PNG as the POST body (`Content-Type: image/png`). */
  endpoint: string;
  /** Whole-request timeout. Default 15 s. */
  timeoutMs?: number;
  /** Extra request headers (e.g. authorization). */
  headers?: Record<string, string>;
}

export type VisionClassifierErrorReason = 'TIMEOUT' | 'HTTP_STATUS' | 'INVALID_RESPONSE' | 'NETWORK';

export class VisionClassifierError extends Error {
  override readonly name = 'VisionClassifierError';

  constructor(
    readonly reason: VisionClassifierErrorReason,
    message: string,
    readonly retryable: boolean,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/**
 * Vision model behind HTTP: POSTs the PNG and expects `{ "label": <sheet label>, "confidence": 0..1 }`.
 * Anything else is rejected with a `VisionClassifierError` (timeouts, 5xx and 429 are retryable).
 */
export class HttpVisionClassifier implements VisionClassifier {
  private readonly endpoint: URL;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpVisionClassifierOptions) {
    this.endpoint = new URL(options.endpoint);
    if (!['http:', 'https:'].includes(this.endpoint.protocol)) {
      throw new Error(`vision endpoint must be http(s): ${options.endpoint}`);
    }
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async classify(png: Buffer, signal?: AbortSignal): Promise<VisionClassification> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let raw: string;
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'image/png', accept: 'application/json' },
        body: png,
        signal: combined,
      });
      if (!response.ok) {
        await response.body?.cancel();
        const retryable = response.status >= 500 || response.status === 429;
        throw new VisionClassifierError(
          'HTTP_STATUS',
          `vision endpoint answered HTTP ${response.status}`,
          retryable,
        );
      }
      raw = await response.text();
    } catch (error) {
      if (error instanceof VisionClassifierError) throw error;
      if (timeout.aborted && !signal?.aborted) {
        throw new VisionClassifierError(
          'TIMEOUT',
          `vision endpoint timed out after ${this.timeoutMs} ms`,
          true,
        );
      }
      if (signal?.aborted) throw error;
      throw new VisionClassifierError('NETWORK', `vision endpoint unreachable: ${String(error)}`, true, {
        cause: error,
      });
    }
    return parseVisionResponse(parseJson(raw));
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new VisionClassifierError('INVALID_RESPONSE', 'vision endpoint answered invalid JSON', false);
  }
}

export function parseVisionResponse(body: unknown): VisionClassification {
  if (typeof body !== 'object' || body === null) {
    throw new VisionClassifierError('INVALID_RESPONSE', 'vision response is not an object', false);
  }
  const { label, confidence } = body as { label?: unknown; confidence?: unknown };
  if (!isSheetLabel(label)) {
    throw new VisionClassifierError(
      'INVALID_RESPONSE',
      `vision response has unknown label ${JSON.stringify(label)}`,
      false,
    );
  }
  if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    throw new VisionClassifierError(
      'INVALID_RESPONSE',
      'vision response confidence must be a number in [0, 1]',
      false,
    );
  }
  return { label, confidence, method: 'vision' };
}
