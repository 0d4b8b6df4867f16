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
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { BLOB_STORE, BlobNotFoundError, BlobStoreUnavailableError, type BlobStore } from '@app/platform';
import { DocumentQueries } from '@app/read-models';
import { actorOf, CurrentCaller, tenantScope, type Caller } from '../auth/caller';
import { RequiresRole } from '../auth/route-access';
import { DocumentAdmissionGuard } from '../admission/admission.guard';
import { DependencyUnavailableError, JobNotFoundError, RequestValidationError } from '../http/api-errors';
import { correlationIdOf } from '../http/correlation-id';
import { isUuid } from '../http/parse-request';
import { ValidBody } from '../http/request-dto.pipe';
import { JOB_ID_PARAM } from '../jobs/jobs.openapi';
import { ApiProblem } from '../openapi/api-problem.decorator';
import { DocumentAcceptedResponse, DocumentResponse } from './dto/document.responses';
import { UPLOAD_DOCUMENT_FORM_SCHEMA, UploadDocumentFields } from './dto/upload-document.fields';
import { UploadDocumentUseCase, type UploadedFile as Upload } from './usecases/upload-document.usecase';

/** The largest page number a page route takes (the event contracts' bound on `page`). */
const MAX_PAGE_NO = 100_000;

const DOCUMENT_LOCATION_HEADER = {
  Location: {
    description: '/documents/{id}',
    schema: { type: 'string', example: '/documents/6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f' },
  },
};

@ApiTags('documents')
@Controller('documents')
export class DocumentsController {
  constructor(
    @Inject(UploadDocumentUseCase) private readonly upload: UploadDocumentUseCase,
    @Inject(DocumentQueries) private readonly documents: DocumentQueries,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  @Post()
  @RequiresRole('member')
  @HttpCode(202)
  @UseGuards(DocumentAdmissionGuard)
  // Limits (MAX_UPLOAD_BYTES, one file) come from the MulterModule options the GatewayModule registers.
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    operationId: 'uploadDocument',
    summary: 'Upload a document (PDF, PNG, JPEG or TIFF) for split -> OCR -> classify -> scale',
    description: 'The type is checked by magic bytes; the file is stored by its sha256.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_DOCUMENT_FORM_SCHEMA })
  @ApiAcceptedResponse({
    type: DocumentAcceptedResponse,
    headers: DOCUMENT_LOCATION_HEADER,
    links: { GetDocument: { operationId: 'getDocument', parameters: { id: '$response.body#/id' } } },
  })
  @ApiProblem(400, 'No file, or an invalid field (field errors)')
  @ApiProblem(413, 'File over MAX_UPLOAD_BYTES')
  @ApiProblem(415, 'Not a PDF, PNG, JPEG or TIFF (by magic bytes)')
  @ApiProblem(
    503,
    'The document stages’ backlog is over ADMISSION_MAX_LAG_DOCUMENT, or Kafka or the blob store is unavailable; see Retry-After',
  )
  async create(
    @UploadedFile() file: Upload | undefined,
    @ValidBody(UploadDocumentFields) fields: UploadDocumentFields,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<DocumentAcceptedResponse> {
    const priority = fields.priority ?? 'normal';
    const accepted = await this.upload.execute(file, correlationIdOf(res), actorOf(caller), priority);
    res.setHeader('Location', `/documents/${accepted.id}`);
    return accepted;
  }

  @Get(':id')
  @RequiresRole('reader')
  @ApiOperation({
    operationId: 'getDocument',
    summary: 'A document with its pages (text, classification, scale)',
    description:
      'UPLOADED until split starts, PROCESSING with `progress` while pages run, READY when every page has ' +
      'its classification and scale, ERROR with the failing page and code.',
  })
  @ApiParam({ ...JOB_ID_PARAM, description: 'The document’s job id (a UUID; anything else is 404)' })
  @ApiOkResponse({ type: DocumentResponse })
  @ApiProblem(404, 'No such document')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<DocumentResponse> {
    const document = isUuid(id) ? await this.documents.getDocument(tenantScope(caller), id) : null;
    if (!document) throw new JobNotFoundError(id);
    return document;
  }

  @Get(':id/pages/:page/image')
  @RequiresRole('reader')
  @ApiOperation({
    operationId: 'getDocumentPageImage',
    summary: 'A page of a document as split rendered it (grayscale PNG)',
    description:
      'The image the page’s OCR read and its scale boxes (`bbox`, in this image’s pixels) refer to. 404 until ' +
      'split has rendered the document, for a page it does not have, and for another tenant’s document.',
  })
  @ApiParam({ ...JOB_ID_PARAM, description: 'The document’s job id (a UUID; anything else is 404)' })
  @ApiParam({
    name: 'page',
    description: 'The page number, from 1',
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_NO, example: 1 },
  })
  @ApiProduces('image/png')
  @ApiOkResponse({
    description: 'The PNG',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblem(400, 'The page is not a whole number from 1 (field errors)')
  @ApiProblem(404, 'No such document or page, or not split yet')
  @ApiProblem(503, 'PostgreSQL or the blob store unavailable')
  async pageImage(
    @Param('id') id: string,
    @Param('page') pageParam: string,
    @CurrentCaller() caller: Caller,
    @Res() res: Response,
  ): Promise<void> {
    const pageNo = /^[1-9][0-9]{0,5}$/.test(pageParam) ? Number(pageParam) : NaN;
    if (!(pageNo <= MAX_PAGE_NO)) {
      throw new RequestValidationError([
        { path: 'page', message: `page must be a whole number from 1 to ${MAX_PAGE_NO}` },
      ]);
    }
    const image = isUuid(id) ? await this.documents.getPageImage(tenantScope(caller), id, pageNo) : null;
    if (!image) throw new JobNotFoundError(id);
    // The document's tenant (an admin reads any tenant's): blobs are kept per tenant.
    const bytes = await this.blobs.get(image.tenant, image.key).catch((error: unknown) => {
      if (error instanceof BlobStoreUnavailableError)
        throw new DependencyUnavailableError('The blob store', error);
      if (error instanceof BlobNotFoundError) throw new JobNotFoundError(id);
      throw error;
    });
    res.setHeader('Content-Type', 'image/png');
    // The same page of the same run is the same image; another run may render it again.
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(200).end(bytes);
  }
}
