// Public API of the documents pipeline core (Kafka-free). See README.md in this folder.
export { type BBox, unionBBoxes } from './geometry/bbox';

export { detectMediaType, SUPPORTED_MEDIA_TYPES, type MediaType } from './media/media-type';
export { DocumentError, type DocumentErrorCode } from './media/document-error';
export { DocumentInspector, type InspectedDocument } from './media/document-inspector';

export { MupdfPool, type MupdfPoolOptions } from './mupdf/mupdf-pool';

export { DocumentSplitter } from './split/document-splitter';
export type { SplitOptions, SplitPage, SplitResult, TextLayer, TextLayerWord } from './split/split-types';

export type { OcrBlock, OcrEngine, OcrEngineName, OcrResult, PageOcrResult } from './ocr/ocr-types';
export { TesseractOcrEngine, type TesseractOcrEngineOptions } from './ocr/tesseract-ocr-engine';
export { PageOcr, type PageOcrInput, type PageOcrOptions } from './ocr/page-ocr';

export { SHEET_LABELS, isSheetLabel, type PageClassification, type SheetLabel } from './classify/labels';
export { TextClassifier, type TextPrediction } from './classify/text-classifier';
export {
  NullVisionClassifier,
  type VisionClassification,
  type VisionClassifier,
} from './classify/vision-classifier';
export {
  HttpVisionClassifier,
  VisionClassifierError,
  type HttpVisionClassifierOptions,
  type VisionClassifierErrorReason,
} from './classify/http-vision-classifier';
export {
  PageClassifier,
  createVisionClassifier,
  type PageClassifierInput,
  type PageClassifierOptions,
} from './classify/page-classifier';

export {
  ScaleFinder,
  type ScaleFinderInput,
  type ScaleFinding,
  type ScaleResult,
} from './scale/scale-finder';
