import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Length, Matches, Max, Min, ValidateNested, IsObject } from 'class-validator';
import { SUPPORTED_MEDIA_TYPES, type MediaType } from './media-type';

/** A stored upload: events carry this reference, never the bytes. `key` is the content's sha256. */
export class BlobRefDto {
  @Matches(/^[0-9a-f]{64}$/) key!: string;
  @IsInt() @Min(1) @Max(10 * 1024 * 1024 * 1024) size!: number;
  @IsIn(SUPPORTED_MEDIA_TYPES) mediaType!: MediaType;
  @IsString() @Length(1, 255) filename!: string;
}

/** Input of a `document` job (made by `POST /documents`, not submitted through `POST /jobs`). */
export class DocumentInputDto {
  @IsObject() @ValidateNested() @Type(() => BlobRefDto) blob!: BlobRefDto;
}
