import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI descriptions of the problem+json bodies (RFC 9457) that `sendProblem` writes. */
export class FieldErrorResponse {
  @ApiProperty({
    example: 'input.url',
    description: 'Dotted path of the field; `(root)` for the body itself',
  })
  path!: string;
  @ApiProperty({ example: 'url must be an absolute http or https URL' }) message!: string;
}

export class ProblemResponse {
  @ApiProperty({ example: 'about:blank' }) type!: string;
  @ApiProperty({ example: 'Not Found' }) title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 }) status!: number;
  @ApiProperty({ example: 'No job 6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f' }) detail!: string;
  @ApiPropertyOptional({ example: '/jobs/6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f' }) instance?: string;
  @ApiPropertyOptional({ description: 'The request’s X-Request-ID', example: 'my-req-1' })
  correlationId?: string;
}

export class ValidationProblemResponse extends ProblemResponse {
  @ApiPropertyOptional({
    type: [FieldErrorResponse],
    description: 'One entry per invalid field; absent when the body is not JSON at all',
    example: [{ path: 'input.url', message: 'url must be an absolute http or https URL' }],
  })
  errors?: FieldErrorResponse[];
}
