import { ApiProperty } from '@nestjs/swagger';
import { SHEET_LABELS, SUPPORTED_MEDIA_TYPES } from '@app/contracts';
import type { DocumentStatus } from '@app/read-models';
import { JobErrorResponse } from '../../jobs/dto/job.responses';

/** The document resources as the API returns them (handlers are typed to return these classes). */
export class UploadedDocumentResponse {
  @ApiProperty({ example: 'drawings.pdf' }) filename!: string;
  @ApiProperty({ enum: [...SUPPORTED_MEDIA_TYPES] }) mediaType!: string;
  @ApiProperty({ description: 'Bytes' }) size!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'The blob key' }) sha256!: string;
}

export class DocumentAcceptedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['document'] }) type!: string;
  @ApiProperty({ enum: ['PENDING'] }) status!: string;
  @ApiProperty({ type: UploadedDocumentResponse }) document!: UploadedDocumentResponse;
}

export class DocumentProgressResponse {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Pages READY' }) pagesDone!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The page count; null until the split is known',
  })
  pagesTotal!: number | null;
}

export class DocumentErrorResponse {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The failing page; null when the whole document failed',
  })
  page!: number | null;
  @ApiProperty({ example: 'CORRUPT_DOCUMENT' }) code!: string;
  @ApiProperty() message!: string;
}

export class PageClassificationResponse {
  @ApiProperty({ enum: [...SHEET_LABELS] }) label!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty({ enum: ['text', 'vision'] }) method!: string;
}

export class ScaleFindingResponse {
  @ApiProperty({ example: '1:100', description: 'The notation as read on the page' }) text!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 100,
    description: 'Real size / drawing size (1/4" = 1\'-0" -> 48); null when not to scale',
  })
  ratio!: number | null;
  @ApiProperty() notToScale!: boolean;
  @ApiProperty({
    nullable: true,
    type: [Number],
    description: '[x0, y0, x1, y1] in page image pixels, from the OCR blocks',
  })
  bbox!: number[] | null;
}

export class PageScaleResponse {
  @ApiProperty({ type: [ScaleFindingResponse] }) findings!: ScaleFindingResponse[];
  @ApiProperty({ type: ScaleFindingResponse, nullable: true }) primary!: ScaleFindingResponse | null;
}

export class DocumentPageResponse {
  @ApiProperty({ minimum: 1 }) pageNo!: number;
  @ApiProperty({ enum: ['PROCESSING', 'READY', 'FAILED'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, enum: ['pdf-text', 'tesseract'] }) engine!: string | null;
  @ApiProperty({ type: String, nullable: true }) text!: string | null;
  @ApiProperty({ type: PageClassificationResponse, nullable: true })
  classification!: PageClassificationResponse | null;
  @ApiProperty({ type: PageScaleResponse, nullable: true }) scale!: PageScaleResponse | null;
  @ApiProperty({ type: JobErrorResponse, nullable: true, description: 'Why the page FAILED' })
  error!: JobErrorResponse | null;
}

export class DocumentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['UPLOADED', 'PROCESSING', 'READY', 'ERROR'] }) status!: DocumentStatus;
  @ApiProperty({ type: String, nullable: true, example: 'drawings.pdf' }) filename!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: [...SUPPORTED_MEDIA_TYPES] }) mediaType!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Bytes' }) size!: number | null;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9a-f]{64}$' }) sha256!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Known once the document is split' })
  pageCount!: number | null;
  @ApiProperty({ type: DocumentProgressResponse }) progress!: DocumentProgressResponse;
  @ApiProperty({ type: DocumentErrorResponse, nullable: true, description: 'Set when ERROR' })
  error!: DocumentErrorResponse | null;
  @ApiProperty({ type: [DocumentPageResponse] }) pages!: DocumentPageResponse[];
}
