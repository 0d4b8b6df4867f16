import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFAULT_TENANT_ID } from '@app/contracts';
import { DocumentQueries, type DocumentView } from '@app/read-models';
import { DocumentAdmissionGuard } from '../admission/admission.guard';
import { JobNotFoundError } from '../http/api-errors';
import { correlationIdOf } from '../http/correlation-id';
import { isUuid } from '../http/parse-request';
import { ProblemResponse } from '../jobs/dto/job.responses';
import {
  UploadDocumentUseCase,
  type AcceptedDocument,
  type UploadedFile as Upload,
} from './usecases/upload-document.usecase';

/** Upload limit (MAX_UPLOAD_BYTES), read once when the controller class is defined. */
export const MAX_UPLOAD_BYTES = Number(process.env.MAX_UPLOAD_BYTES ?? 50 * 1024 * 1024);

@ApiTags('documents')
@Controller('documents')
export class DocumentsController {
  constructor(
    @Inject(UploadDocumentUseCase) private readonly upload: UploadDocumentUseCase,
    @Inject(DocumentQueries) private readonly documents: DocumentQueries,
  ) {}

  @Post()
  @HttpCode(202)
  @UseGuards(DocumentAdmissionGuard)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }))
  @ApiOperation({
    summary: 'Upload a document (PDF, PNG, JPEG or TIFF) for split -> OCR -> classify -> scale',
    description: 'The type is checked by magic bytes; the file is stored by its sha256.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' } },
      required: ['file'],
    },
  })
  @ApiAcceptedResponse({
    description:
      '{ id, type: "document", status: "PENDING", document: { filename, mediaType, size, sha256 } }',
  })
  @ApiBadRequestResponse({ type: ProblemResponse })
  @ApiPayloadTooLargeResponse({ type: ProblemResponse })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemResponse })
  @ApiServiceUnavailableResponse({
    type: ProblemResponse,
    description: 'The document stages’ backlog is over ADMISSION_MAX_LAG_DOCUMENT; see Retry-After',
  })
  async create(
    @UploadedFile() file: Upload | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptedDocument> {
    const accepted = await this.upload.execute(file, correlationIdOf(res), DEFAULT_TENANT_ID);
    res.setHeader('Location', `/documents/${accepted.id}`);
    return accepted;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A document with its pages (text, classification, scale)' })
  @ApiOkResponse({
    description: '{ id, status: UPLOADED|PROCESSING|READY|ERROR, filename, pageCount, pages[] }',
  })
  @ApiNotFoundResponse({ type: ProblemResponse })
  async get(@Param('id') id: string): Promise<DocumentView> {
    const document = isUuid(id) ? await this.documents.getDocument(DEFAULT_TENANT_ID, id) : null;
    if (!document) throw new JobNotFoundError(id);
    return document;
  }
}
