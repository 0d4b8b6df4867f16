/*
 * `npm run bench -- documents`: per-stage throughput of the document pipeline's core on this machine,
 * in-process (no Kafka, no database), for two kinds of input:
 *  - text-layer PDFs: A3 drawing sheets with a real text layer (OCR takes the fast path),
 *  - scanned A3 pages at 150 DPI: the same sheets as images only (Tesseract OCR).
 * Each stage runs on one thread (mupdf pool of 1, one Tesseract worker), with the service's defaults
 * (150 DPI, grayscale page images). Wall times suffer on a shared machine, so the budgets are judged on
 * process CPU time per page (all threads), i.e. per core: text-layer page through all stages <= 100 ms;
 * scanned page OCR <= 4 s. Split is also measured with RGB page images, for comparison.
 * Then, unless BENCH_DOCUMENTS_STACK=false, the same two documents end to end through the real stack
 * (Kafka, PostgreSQL, gateway, documents with its defaults, projector): upload -> READY, pages/s.
 * Sizes: BENCH_TEXT_PAGES (default 14), BENCH_SCANNED_PAGES (default 4). Writes bench-results/documents.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalStack, repoRoot } from '@app/stack';
import {
  DocumentSplitter,
  MupdfPool,
  NullVisionClassifier,
  PageClassifier,
  PageOcr,
  ScaleFinder,
  TesseractOcrEngine,
  TextClassifier,
  type PageOcrResult,
  type SplitPage,
} from '@app/documents/core';
import {
  drawingSheet,
  drawingSheetPage,
  buildTestPdf,
  type TestPdfPage,
  buildScannedPdf,
} from '@app/documents/testing';

import { BenchSystem } from './pipeline-bench';
import { benchKafkaNodes } from './bench-kafka-nodes';
import { benchAuth } from './bench-key';

/** A3 landscape in points (420 x 297 mm). */
const A3 = { width: 1191, height: 842 };
const DPI = 150;
const BUDGET_TEXT_PAGE_ALL_STAGES_MS = 100;
const BUDGET_SCANNED_OCR_MS_PER_CORE = 4000;

type Stage = 'split' | 'ocr' | 'classify' | 'scale';

interface StageNumbers {
  pages: number;
  /** Wall time per page (median for per-page stages, total / pages for split). */
  msPerPage: number;
  /** Process CPU time per page (all threads: mupdf and Tesseract workers included). */
  cpuMsPerPage: number;
  /** Wall-clock throughput of this run (one thread). */
  pagesPerSecond: number;
  /** 1000 / cpuMsPerPage: the throughput of one otherwise idle core. */
  pagesPerCoreSecond: number;
}

interface KindResult {
  kind: 'text-layer' | 'scanned';
  pageSize: string;
  dpi: number;
  stages: Record<Stage, StageNumbers>;
  /** split + ocr + classify + scale per page, wall and CPU. */
  allStagesMsPerPage: number;
  allStagesCpuMsPerPage: number;
  /** Split with RGB instead of grayscale page images. */
  splitRgb: StageNumbers;
  correct: { labels: number; scales: number; of: number };
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

function numbers(pages: number, wallMsPerPage: number, totalMs: number, cpuTotalMs: number): StageNumbers {
  const cpuMsPerPage = cpuTotalMs / pages;
  return {
    pages,
    msPerPage: round(wallMsPerPage, 2),
    cpuMsPerPage: round(cpuMsPerPage, 2),
    pagesPerSecond: round((pages * 1000) / totalMs, 2),
    pagesPerCoreSecond: round(1000 / Math.max(cpuMsPerPage, 0.001), 1),
  };
}

async function timedSplit(
  splitter: DocumentSplitter,
  pdf: Buffer,
  grayscale: boolean,
): Promise<[SplitPage[], StageNumbers]> {
  const cpuStart = cpuMs();
  const started = performance.now();
  const split = await splitter.split(pdf, 'application/pdf', { dpi: DPI, grayscale });
  const total = performance.now() - started;
  const pages = split.pages.length;
  return [split.pages, numbers(pages, total / pages, total, cpuMs() - cpuStart)];
}

/** Times `work` once per page; returns the results and the per-page numbers. */
async function perPage<T, R>(pages: T[], work: (page: T) => Promise<R> | R): Promise<[R[], StageNumbers]> {
  const results: R[] = [];
  const wall: number[] = [];
  const cpuStart = cpuMs();
  const started = performance.now();
  for (const page of pages) {
    const t0 = performance.now();
    results.push(await work(page));
    wall.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  return [results, numbers(pages.length, median(wall), total, cpuMs() - cpuStart)];
}

async function runKind(
  kind: KindResult['kind'],
  pdf: Buffer,
  splitter: DocumentSplitter,
  ocr: PageOcr,
  log: (line: string) => void,
): Promise<KindResult> {
  const [, splitRgb] = await timedSplit(splitter, pdf, false);
  const [pages, splitNumbers] = await timedSplit(splitter, pdf, true);
  const pageCount = pages.length;
  log(
    `${kind}: split ${pageCount} pages, ${splitNumbers.cpuMsPerPage} ms CPU/page (RGB: ${splitRgb.cpuMsPerPage})`,
  );

  const [read, ocrNumbers] = await perPage(pages, (page: SplitPage) =>
    ocr.run({ pageNo: page.pageNo, image: page.image, textLayer: page.textLayer }),
  );
  log(`${kind}: ocr ${ocrNumbers.msPerPage} ms/page (${read[0]?.engine})`);
  const classifier = new PageClassifier(TextClassifier.default(), new NullVisionClassifier());
  const [labels, classifyNumbers] = await perPage(read, (page: PageOcrResult) =>
    classifier.classify({ text: page.text, image: Buffer.alloc(0) }),
  );
  const finder = new ScaleFinder();
  const [scales, scaleNumbers] = await perPage(read, (page: PageOcrResult) =>
    finder.find({ text: page.text, blocks: page.blocks }),
  );
  const stages = { split: splitNumbers, ocr: ocrNumbers, classify: classifyNumbers, scale: scaleNumbers };
  return {
    kind,
    pageSize: `A3 landscape, ${pages[0].width} x ${pages[0].height} px`,
    dpi: DPI,
    stages,
    allStagesMsPerPage: round(
      Object.values(stages).reduce((sum, stage) => sum + stage.msPerPage, 0),
      2,
    ),
    allStagesCpuMsPerPage: round(
      Object.values(stages).reduce((sum, stage) => sum + stage.cpuMsPerPage, 0),
      2,
    ),
    splitRgb,
    correct: {
      labels: labels.filter((label, i) => label.label === drawingSheet(i).label).length,
      scales: scales.filter((scale, i) => (scale.primary?.ratio ?? null) === drawingSheet(i).ratio).length,
      of: pageCount,
    },
  };
}

export async function runDocumentsBench(): Promise<void> {
  const textPages = Number(process.env.BENCH_TEXT_PAGES ?? 14);
  const scannedPages = Number(process.env.BENCH_SCANNED_PAGES ?? 4);
  const log = (line: string): void => void process.stdout.write(`[bench] ${line}\n`);
  const pool = new MupdfPool({ maxThreads: 1 });
  const engine = new TesseractOcrEngine({ concurrency: 1 });
  try {
    const splitter = new DocumentSplitter(pool);
    const ocr = new PageOcr(engine);
    const sheets = (count: number): TestPdfPage[] =>
      Array.from({ length: count }, (_, i) =>
        withLinework(drawingSheetPage(drawingSheet(i), A3.width, A3.height)),
      );
    const textPdf = buildTestPdf(sheets(textPages));
    const scannedPdf = await buildScannedPdf(splitter, sheets(scannedPages), DPI);
    log(
      `inputs: text-layer PDF ${textPages} pages, scanned PDF ${scannedPages} pages (${scannedPdf.length} bytes)`,
    );

    // Warm-up (worker threads, WASM, the Tesseract model, the classifier's training): not measured.
    const warm = await splitter.split(scannedPdf, 'application/pdf', { dpi: DPI });
    await ocr.run({ pageNo: 1, image: warm.pages[0].image, textLayer: null });
    TextClassifier.default();

    const text = await runKind('text-layer', textPdf, splitter, ocr, log);
    const scanned = await runKind('scanned', scannedPdf, splitter, ocr, log);
    const budgets = {
      textLayerAllStagesCpuMsPerPage: {
        budget: BUDGET_TEXT_PAGE_ALL_STAGES_MS,
        measured: text.allStagesCpuMsPerPage,
        ok: text.allStagesCpuMsPerPage <= BUDGET_TEXT_PAGE_ALL_STAGES_MS,
      },
      scannedOcrCpuMsPerPage: {
        budget: BUDGET_SCANNED_OCR_MS_PER_CORE,
        measured: scanned.stages.ocr.cpuMsPerPage,
        ok: scanned.stages.ocr.cpuMsPerPage <= BUDGET_SCANNED_OCR_MS_PER_CORE,
      },
    };
    print(text);
    print(scanned);
    const stack =
      process.env.BENCH_DOCUMENTS_STACK === 'false'
        ? []
        : await endToEnd(
            [
              { kind: 'text-layer', pdf: textPdf, pages: textPages },
              { kind: 'scanned', pdf: scannedPdf, pages: scannedPages },
            ],
            log,
          );
    log(
      `budgets: text-layer page through all stages ${text.allStagesCpuMsPerPage} ms CPU, ${text.allStagesMsPerPage} ms wall ` +
        `(<= 100: ${budgets.textLayerAllStagesCpuMsPerPage.ok}); ` +
        `scanned page OCR ${scanned.stages.ocr.cpuMsPerPage} ms CPU, ${scanned.stages.ocr.msPerPage} ms wall ` +
        `(<= 4000 per core: ${budgets.scannedOcrCpuMsPerPage.ok})`,
    );
    const report = {
      generatedAt: new Date().toISOString(),
      machine: {
        node: process.version,
        cpu: os.cpus()[0]?.model ?? '?',
        cores: os.availableParallelism(),
        loadAverage1m: round(os.loadavg()[0], 2),
      },
      threads: { mupdf: 1, tesseract: 1 },
      results: [text, scanned],
      endToEnd: stack,
      budgets,
    };
    const outDir = path.join(repoRoot(), 'bench-results');
    await fs.promises.mkdir(outDir, { recursive: true });
    const file = path.join(outDir, 'documents.json');
    await fs.promises.writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${file}`);
  } finally {
    await engine.terminate();
    await pool.destroy();
  }
}

/** A drawing's body: a grid of rooms with small room tags, between the title lines and the scale line. */
function withLinework(page: TestPdfPage): TestPdfPage {
  const rects: [number, number, number, number][] = [];
  const texts: NonNullable<TestPdfPage['texts']> = [];
  for (let row = 0; row < 4; row += 1) {
    for (let column = 0; column < 8; column += 1) {
      const x = 560 + column * 75;
      const y = 120 + row * 90;
      rects.push([x, y, 70, 80]);
      texts.push({ text: `RM ${101 + row * 8 + column}`, x: x + 8, y: y + 36, size: 9 });
    }
  }
  return { ...page, rects: [...(page.rects ?? []), ...rects], texts: [...(page.texts ?? []), ...texts] };
}

interface EndToEndResult {
  kind: KindResult['kind'];
  pages: number;
  /** From the 202 of POST /documents to GET /documents/{id} answering READY. */
  seconds: number;
  pagesPerSecond: number;
  status: string;
}

/** A one-page scanned sheet (for warming up the stack's OCR). */
async function scannedOnePage(): Promise<Buffer> {
  const pool = new MupdfPool({ maxThreads: 1 });
  try {
    return await buildScannedPdf(new DocumentSplitter(pool), [drawingSheetPage(drawingSheet(1))], 100);
  } finally {
    await pool.destroy();
  }
}

/** Uploads each document to the running stack and waits for READY (polled every 50 ms). */
async function endToEnd(
  inputs: { kind: KindResult['kind']; pdf: Buffer; pages: number }[],
  log: (line: string) => void,
): Promise<EndToEndResult[]> {
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-bench-docs-'));
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const system = new BenchSystem();
  const results: EndToEndResult[] = [];
  try {
    const endpoints = await stack.start({
      dataDir,
      freePorts: true,
      fast: true,
      kafkaBrokers: benchKafkaNodes(),
    });
    await system.start(
      endpoints.kafkaBrokers,
      endpoints.databaseUrl,
      { BLOB_DIR: path.join(dataDir, 'blobs'), DOCUMENTS_DPI: String(DPI), OTEL_SDK_DISABLED: 'true' },
      ['gateway', 'projector', 'documents'],
    );
    // Warm-up, not measured: consumer groups joined, worker threads and the Tesseract model loaded.
    const warmUp = [
      {
        kind: 'text-layer' as const,
        pdf: buildTestPdf([drawingSheetPage(drawingSheet(0))]),
        pages: 1,
        warmUp: true,
      },
      { kind: 'scanned' as const, pdf: await scannedOnePage(), pages: 1, warmUp: true },
    ];
    for (const input of [...warmUp, ...inputs.map((measured) => ({ ...measured, warmUp: false }))]) {
      const form = new FormData();
      form.append('file', new Blob([input.pdf]), `${input.kind}.pdf`);
      const response = await fetch(`${system.baseUrl}/documents`, {
        method: 'POST',
        body: form,
        headers: benchAuth(),
      });
      const accepted = (await response.json()) as { id?: string };
      if (response.status !== 202 || !accepted.id) throw new Error(`upload failed: ${response.status}`);
      const started = performance.now();
      let status = 'UPLOADED';
      while (status !== 'READY' && status !== 'ERROR') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const document = await fetch(`${system.baseUrl}/documents/${accepted.id}`, { headers: benchAuth() });
        status = ((await document.json()) as { status: string }).status;
        if (performance.now() - started > 600_000)
          throw new Error(`${input.kind}: not READY after 10 minutes`);
      }
      const seconds = (performance.now() - started) / 1000;
      if (input.warmUp) continue;
      results.push({
        kind: input.kind,
        pages: input.pages,
        seconds: round(seconds, 2),
        pagesPerSecond: round(input.pages / seconds, 2),
        status,
      });
      log(`end to end, ${input.kind}: ${input.pages} pages ${status} in ${round(seconds, 2)} s`);
    }
    return results;
  } finally {
    await system.stop().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
}

function print(result: KindResult): void {
  const lines = [
    `${result.kind} (${result.pageSize}, ${result.dpi} DPI; labels ${result.correct.labels}/${result.correct.of}, scales ${result.correct.scales}/${result.correct.of} right)`,
    `  stage       pages/s (wall)   pages/s per core   ms/page (wall)   ms/page (CPU)`,
    ...Object.entries({ ...result.stages, 'split RGB': result.splitRgb }).map(
      ([stage, n]) =>
        `  ${stage.padEnd(10)} ${String(n.pagesPerSecond).padStart(15)} ${String(n.pagesPerCoreSecond).padStart(18)} ` +
        `${String(n.msPerPage).padStart(16)} ${String(n.cpuMsPerPage).padStart(15)}`,
    ),
    `  all stages: ${result.allStagesCpuMsPerPage} ms CPU, ${result.allStagesMsPerPage} ms wall per page`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
