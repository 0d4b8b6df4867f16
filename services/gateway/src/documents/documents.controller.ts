import {
  Body,
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
import { DEFAULT_TENANT_ID, JOB_PRIORITIES, type JobPriority } from '@app/contracts';
import { DocumentQueries, type DocumentView } from '@app/read-models';
import { DocumentAdmissionGuard } from '../admission/admission.guard';
import { JobNotFoundError, RequestValidationError } from '../http/api-errors';
import { correlationIdOf } from '../http/correlation-id';
import { isUuid } from '../http/parse-request';
import { PRIORITY_DESCRIPTION } from '../jobs/dto/create-job.request';
import { ProblemResponse } from '../jobs/dto/job.responses';
import { DocumentAcceptedResponse, DocumentResponse } from './dto/document.responses';
import {
  UploadDocumentUseCase,
  type AcceptedDocument,
  type UploadedFile as Upload,
} from './usecases/upload-document.usecase';

/** The optional multipart field `priority` (default normal); anything else is a 400. */
function priorityField(fields: unknown): JobPriority {
  const value: unknown =
    fields !== null && typeof fields === 'object' ? (fields as Record<string, unknown>).priority : undefined;
  if (value === undefined) return 'normal';
  const priority = JOB_PRIORITIES.find((candidate) => candidate === value);
  if (priority) return priority;
  throw new RequestValidationError([
    {
      path: 'priority',
      message: `priority must be one of the following values: ${JOB_PRIORITIES.join(', ')}`,
    },
  ]);
}

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
  // Limits (MAX_UPLOAD_BYTES, one file) come from the MulterModule options the GatewayModule registers.
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Upload a document (PDF, PNG, JPEG or TIFF) for split -> OCR -> classify -> scale',
    description: 'The type is checked by magic bytes; the file is stored by its sha256.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary' },
        priority: {
          type: 'string',
          enum: [...JOB_PRIORITIES],
          default: 'normal',
          description: PRIORITY_DESCRIPTION,
        },
      },
      required: ['file'],
    },
  })
  @ApiAcceptedResponse({ type: DocumentAcceptedResponse })
  @ApiBadRequestResponse({ type: ProblemResponse })
  @ApiPayloadTooLargeResponse({ type: ProblemResponse })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemResponse })
  @ApiServiceUnavailableResponse({
    type: ProblemResponse,
    description: 'The document stages’ backlog is over ADMISSION_MAX_LAG_DOCUMENT; see Retry-After',
  })
  async create(
    @UploadedFile() file: Upload | undefined,
    @Body() fields: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptedDocument> {
    const priority = priorityField(fields);
    const accepted = await this.upload.execute(file, correlationIdOf(res), DEFAULT_TENANT_ID, priority);
    res.setHeader('Location', `/documents/${accepted.id}`);
    return accepted;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A document with its pages (text, classification, scale)',
    description:
      'UPLOADED until split starts, PROCESSING with `progress` while pages run, READY when every page has ' +
      'its classification and scale, ERROR with the failing page and code.',
  })
  @ApiOkResponse({ type: DocumentResponse })
  @ApiNotFoundResponse({ type: ProblemResponse })
  async get(@Param('id') id: string): Promise<DocumentView> {
    const document = isUuid(id) ? await this.documents.getDocument(DEFAULT_TENANT_ID, id) : null;
    if (!document) throw new JobNotFoundError(id);
    return document;
  }
}
