import {
  ConfigError,
  EnvReader,
  readBlobStoreConfig,
  readKafkaConfig,
  readLogLevel,
  readOpsHttpConfig,
  readStageConfig,
  type BlobStoreConfig,
  type KafkaConfig,
  type LogLevel,
  type OpsHttpConfig,
  type StageRuntimeConfig,
} from '@app/platform';
import { DOCUMENT_STAGES, type DocumentStage } from '@app/contracts';

export interface DocumentsConfig {
  logLevel: LogLevel;
  ops: OpsHttpConfig;
  kafka: KafkaConfig;
  stage: StageRuntimeConfig;
  /** Stage roles this process runs; each is its own consumer group `documents-<stage>`. */
  stages: DocumentStage[];
  blobs: BlobStoreConfig;
  dpi: number;
  /** Render page images in grayscale (default) instead of RGB. */
  grayscale: boolean;
  ocrWorkers: number;
  visionEndpoint: string | undefined;
}

export function loadDocumentsConfig(env: NodeJS.ProcessEnv = process.env): DocumentsConfig {
  const reader = new EnvReader(env);
  const stages = reader.list('DOCUMENTS_STAGES', {
    default: [...DOCUMENT_STAGES],
    doc: 'stage roles of this process (each its own consumer group `documents-<stage>`)',
  });
  const unknown = stages.filter((stage) => !(DOCUMENT_STAGES as readonly string[]).includes(stage));
  const config: DocumentsConfig = {
    logLevel: readLogLevel(reader),
    ops: readOpsHttpConfig(reader, 3004),
    kafka: readKafkaConfig(reader, 'documents'),
    stage: readStageConfig(reader, { concurrency: 4, timeLimitMs: 120_000 }),
    stages: stages as DocumentStage[],
    blobs: readBlobStoreConfig(reader),
    dpi: reader.int('DOCUMENTS_DPI', {
      default: 150,
      min: 50,
      max: 600,
      doc: 'rendering resolution of pages',
    }),
    grayscale: reader.bool('DOCUMENTS_GRAYSCALE', {
      default: true,
      doc: 'page images in grayscale (`false`: RGB)',
    }),
    ocrWorkers: reader.int('OCR_WORKERS', { default: 1, min: 1, max: 16, doc: 'Tesseract workers' }),
    visionEndpoint: reader.optionalString('VISION_ENDPOINT', {
      defaultDoc: '(none)',
      doc: 'HTTP model for pages without text (`POST` PNG → `{ label, confidence }`)',
    }),
  };
  reader.done();
  if (unknown.length > 0) {
    throw new ConfigError([
      `DOCUMENTS_STAGES: unknown stage(s) ${unknown.join(', ')}; known: ${DOCUMENT_STAGES.join(', ')}`,
    ]);
  }
  return config;
}
