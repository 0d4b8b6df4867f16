import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { documentStageGroupId, JOB_CATALOG, Topics, type DocumentStage, type JobEvent } from '@app/contracts';
import {
  FilesystemBlobStore,
  KafkaRuntime,
  PlatformMetrics,
  workerOpsModule,
  StageHost,
  type Logger,
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
export const DOCUMENTS_STAGE_VERSION = 'documents@1';

interface StageRole {
  executor: StageExecutor;
  inputTopics: string[];
  select?: (event: JobEvent) => WorkItem[];
  close: () => Promise<void>;
}

/**
 * One deployable, four stage roles (split, ocr, classify, scale), each its own consumer group
 * `documents-<stage>`; DOCUMENTS_STAGES picks the roles of this process, so OCR scales on its own.
 */
@Module({})
export class DocumentsModule {
  static register(config: DocumentsConfig, logger: Logger): DynamicModule {
    const metrics = new PlatformMetrics('documents');
    const kafka = new KafkaRuntime(config.kafka, logger, metrics);
    const blobs = new FilesystemBlobStore(config.blobDir);
    const roles = (stage: DocumentStage): StageRole => {
      switch (stage) {
        case 'split': {
          const pool = new MupdfPool({ maxThreads: 1 });
          return {
            executor: new SplitExecutor(new DocumentSplitter(pool), blobs, config.dpi),
            inputTopics: [Topics.JobsRequested],
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
    };
    const hosts: Provider[] = config.stages.map((stage) => ({
      provide: `StageHost:${stage}`,
      useFactory: () => {
        const role = roles(stage);
        return new StageHost(
          {
            stage,
            stageVersion: DOCUMENTS_STAGE_VERSION,
            jobType: 'document',
            eventsTopic: JOB_CATALOG.document.eventsTopic,
            inputTopics: role.inputTopics,
            select: role.select,
          },
          config.stage,
          documentStageGroupId(stage),
          role.executor,
          kafka,
          logger,
          role.close,
        );
      },
    }));
    return {
      module: DocumentsModule,
      imports: [workerOpsModule(metrics, kafka, [{ name: 'blobs', check: () => blobs.ready() }])],
      providers: hosts,
    };
  }
}
