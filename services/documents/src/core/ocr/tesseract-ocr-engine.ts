import { existsSync } from 'node:fs';
import { join } from 'node:path';
import engData from '@tesseract.js-data/eng';
import { createWorker, OEM, PSM, type Page, type Worker } from 'tesseract.js';
import type { BBox } from '../geometry/bbox';
import type { OcrBlock, OcrEngine, OcrResult } from './ocr-types';

export interface TesseractOcrEngineOptions {
  /** Parallel recognitions = tesseract worker threads (each ~100 MB). Default 1. */
  concurrency?: number;
  /** Tesseract page segmentation mode. Default AUTO. */
  pageSegMode?: PSM;
  /** Directory holding `eng.traineddata.gz`. Default: the one shipped in `@tesseract.js-data/eng`. */
  langPath?: string;
}

interface Waiter {
  resolve: (worker: Worker) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * OCR with tesseract.js (WASM on worker threads) and the English LSTM model from the local
 * `@tesseract.js-data/eng` package. Fully offline: the model is read from disk (never the CDN) and
 * nothing is cached to the working directory. Workers start lazily; call `terminate()` on shutdown.
 */
export class TesseractOcrEngine implements OcrEngine {
  private readonly concurrency: number;
  private readonly langPath: string;
  private readonly idle: Worker[] = [];
  private readonly waiters: Waiter[] = [];
  /** Started or starting workers; their number is bounded by `concurrency`. */
  private readonly all = new Set<Promise<Worker>>();
  private readonly handles = new WeakMap<Worker, Promise<Worker>>();
  private terminated = false;

  constructor(private readonly options: TesseractOcrEngineOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.langPath = options.langPath ?? engData.langPath;
    if (!existsSync(join(this.langPath, 'eng.traineddata.gz'))) {
      throw new Error(`eng.traineddata.gz not found in ${this.langPath}`);
    }
  }

  async recognize(png: Buffer, signal?: AbortSignal): Promise<OcrResult> {
    const worker = await this.acquire(signal);
    let abandoned = false;
    try {
      const job = worker.recognize(png, {}, { text: true, blocks: true });
      const { data } = await raceAbort(job, signal, () => {
        abandoned = true; // tesseract cannot cancel a job: drop the busy worker instead
      });
      return { text: data.text.trim(), blocks: toBlocks(data) };
    } finally {
      if (abandoned) await this.discard(worker);
      else this.release(worker);
    }
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('TesseractOcrEngine terminated'));
    const started = await Promise.allSettled([...this.all]);
    this.all.clear();
    this.idle.length = 0;
    const workers = started.flatMap((w) => (w.status === 'fulfilled' ? [w.value] : []));
    await Promise.allSettled(workers.map((w) => w.terminate()));
  }

  private async acquire(signal?: AbortSignal): Promise<Worker> {
    if (this.terminated) throw new Error('TesseractOcrEngine terminated');
    signal?.throwIfAborted();
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.all.size < this.concurrency) return this.spawn();
    return new Promise<Worker>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      waiter.onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(worker: Worker): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.idle.push(worker);
      return;
    }
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(worker);
  }

  private async discard(worker: Worker): Promise<void> {
    const handle = this.handles.get(worker);
    if (handle) this.all.delete(handle);
    await worker.terminate().catch(() => undefined);
    const waiter = this.waiters.shift();
    if (!waiter || this.terminated) return;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    this.spawn().then(waiter.resolve, waiter.reject);
  }

  private spawn(): Promise<Worker> {
    const worker = this.createWorker();
    this.all.add(worker);
    worker.then(
      (w) => this.handles.set(w, worker),
      () => this.all.delete(worker),
    );
    return worker;
  }

  private async createWorker(): Promise<Worker> {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, {
      langPath: this.langPath, // a local directory: tesseract.js reads it from disk, never from its CDN
      gzip: true,
      cacheMethod: 'none', // no reads or writes of ./eng.traineddata in the working directory
      logger: () => undefined,
    });
    await worker.setParameters({ tessedit_pageseg_mode: this.options.pageSegMode ?? PSM.AUTO });
    return worker;
  }
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(abortReason(signal));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The caller's abort reason (an Error or DOMException in practice). */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
}

function toBlocks(page: Page): OcrBlock[] {
  const blocks: OcrBlock[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const word of line.words) {
          const text = word.text.trim();
          if (!text) continue;
          const bbox: BBox = [word.bbox.x0, word.bbox.y0, word.bbox.x1, word.bbox.y1];
          blocks.push({ text, bbox, confidence: Math.round(word.confidence) / 100 });
        }
      }
    }
  }
  return blocks;
}
