// Input and result DTOs of document jobs (what job-catalog validates with)
export { BlobRefDto, DocumentInputDto } from './document-input.dto';
export {
  DOCUMENT_STAGES,
  OcrBlockDto,
  PageClassificationDto,
  PageOcrResultDto,
  PageScaleDto,
  ScaleFindingDto,
  SplitPageDto,
  SplitResultDto,
  type DocumentStage,
} from './document-results.dto';

// Plain modules (no decorators): also in @app/contracts/plain
export { detectMediaType, SUPPORTED_MEDIA_TYPES, type MediaType } from './media-type';
export { SHEET_LABELS } from './sheet-labels';
