import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { JOB_PRIORITIES, type JobPriority } from '@app/contracts';
import { PRIORITY_DESCRIPTION } from '../../jobs/dto/create-job.request';

const PRIORITY_PROPERTY = { enum: [...JOB_PRIORITIES], default: 'normal', description: PRIORITY_DESCRIPTION };

/** The text fields of the POST /documents form (the file is the `file` part); unknown fields are a 400. */
export class UploadDocumentFields {
  @ApiPropertyOptional(PRIORITY_PROPERTY)
  @IsOptional()
  @IsIn(JOB_PRIORITIES)
  priority?: JobPriority;
}

/** The whole form as OpenAPI shows it: the file part and the fields above. */
export const UPLOAD_DOCUMENT_FORM_SCHEMA = {
  type: 'object',
  properties: {
    file: {
      type: 'string',
      format: 'binary',
      description: 'PDF, PNG, JPEG or TIFF (checked by its content)',
    },
    priority: { type: 'string', ...PRIORITY_PROPERTY },
  },
  required: ['file'],
};
