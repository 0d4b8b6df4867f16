import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { JOB_CATALOG, STAGE_CATALOG, Topics, type DocumentStage, type JobEvent } from '@app/contracts';
import {
  BLOB_STORE,
  blobStoreProvider,
  KafkaRuntime,
  LOGGER,
  PlatformModule,
  SERVICE_CONFIG,
  StageHost,
  workerOpsModule,
  type BlobStore,
  type Logger,
  type PlatformMetrics,
  type StageExecutor,
  type WorkItem,
} from '@app/platform';
import {
  createVisionClassifier,
  DocumentSplitter,
  MupdfPool,
  PageClassifier,
  PageOcr,
  ScaleFinder,
  TesseractOcrEngine,
  TextClassifier,
} from './core';
import type { DocumentsConfig } from './documents.config';
import { followStage } from './stages/page-work';
import { ClassifyExecutor, OcrExecutor, ScaleExecutor } from './stages/page.executors';
import { SplitExecutor } from './stages/split.executor';

/** Bumped whenever a document stage's results could change; recorded on every event. */
export const DOCUMENTS_STAGE_VERSION = 'documents@2';

interface StageRole {
  executor: StageExecutor;
  /** What starts its work (none: the document requests). */
  inputTopics?: string[];
  select?: (event: JobEvent) => WorkItem[];
  close: () => Promise<void>;
}

/** The executor of one stage role and what it reads; only the roles this process runs are made. */
function stageRole(stage: DocumentStage, config: DocumentsConfig, blobs: BlobStore): StageRole {
  switch (stage) {
    case 'split': {
      const pool = new MupdfPool({ maxThreads: 1 });
      return {
        executor: new SplitExecutor(new DocumentSplitter(pool), blobs, config.dpi, config.grayscale),
        close: () => pool.destroy(),
      };
    }
    case 'ocr': {
      const engine = new TesseractOcrEngine({ concurrency: config.ocrWorkers });
      return {
        executor: new OcrExecutor(new PageOcr(engine), blobs),
        inputTopics: [Topics.DocumentsEvents],
        select: followStage('split', (result) =>
          (result.pages as { pageNo: number }[]).map((page) => ({ page: page.pageNo, input: { page } })),
        ),
        close: () => engine.terminate(),
      };
    }
    case 'classify':
      return {
        executor: new ClassifyExecutor(
          new PageClassifier(
            TextClassifier.default(),
            createVisionClassifier({ endpoint: config.visionEndpoint }),
          ),
          blobs,
        ),
        inputTopics: [Topics.DocumentsEvents],
        select: followStage('ocr', (result) => [
          {
            page: result.pageNo as number,
            input: { pageNo: result.pageNo, text: result.text, image: result.image },
          },
        ]),
        close: () => Promise.resolve(),
      };
    case 'scale':
      return {
        executor: new ScaleExecutor(new ScaleFinder()),
        inputTopics: [Topics.DocumentsEvents],
        select: followStage('ocr', (result) => [
          {
            page: result.pageNo as number,
            input: { pageNo: result.pageNo, text: result.text, blocks: result.blocks },
          },
        ]),
        close: () => Promise.resolve(),
      };
  }
}

// Wiring follows the one rule written at the top of libs/platform/src/runtime/nest-wiring.ts.
/**
 * One deployable, four stage roles (split, ocr, classify, scale), each its own consumer group
 * `documents-<stage>`; DOCUMENTS_STAGES picks the roles of this process, so OCR scales on its own.
 */
@Module({})
export class DocumentsModule {
  static register(config: DocumentsConfig, logger: Logger, metrics: PlatformMetrics): DynamicModule {
    const hosts: Provider[] = config.stages.map((stage) => ({
      provide: `StageHost:${stage}`,
      useFactory: (c: DocumentsConfig, blobs: BlobStore, kafka: KafkaRuntime, log: Logger) => {
        const role = stageRole(stage, c, blobs);
        return new StageHost(
          {
            stage,
            stageVersion: DOCUMENTS_STAGE_VERSION,
            jobType: 'document',
            eventsTopic: JOB_CATALOG.document.eventsTopic,
            inputTopics: role.inputTopics,
            select: role.select,
          },
          c.stage,
          STAGE_CATALOG[stage].groupId,
          role.executor,
          kafka,
          log,
          role.close,
        );
      },
      inject: [SERVICE_CONFIG, BLOB_STORE, KafkaRuntime, LOGGER],
    }));
    return {
      module: DocumentsModule,
      imports: [
        PlatformModule.forRoot({ config, logger, metrics }, [blobStoreProvider]),
        workerOpsModule({
          inject: [BLOB_STORE],
          probes: (blobs: BlobStore) => [{ name: 'blobs', check: () => blobs.ready() }],
        }),
      ],
      providers: hosts,
    };
  }
}
