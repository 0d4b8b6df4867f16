import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SHEET_LABELS } from './sheet-labels';

export const DOCUMENT_STAGES = ['split', 'ocr', 'classify', 'scale'] as const;
export type DocumentStage = (typeof DOCUMENT_STAGES)[number];

/** A page as split from the document: its rendered image and text layer are blobs (by sha256). */
export class SplitPageDto {
  @IsInt() @Min(1) pageNo!: number;
  @IsInt() @Min(1) width!: number;
  @IsInt() @Min(1) height!: number;
  @IsNumber() dpi!: number;
  @Matches(/^[0-9a-f]{64}$/) image!: string;
  /** JSON blob `{ text, words: [{ text, bbox }] }` of the PDF's own text layer, or null. */
  @IsOptional() @Matches(/^[0-9a-f]{64}$/) textLayer!: string | null;
}

export class SplitResultDto {
  @IsInt() @Min(1) pageCount!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => SplitPageDto) pages!: SplitPageDto[];
}

export class OcrBlockDto {
  @IsString() text!: string;
  @IsArray() @IsNumber({}, { each: true }) bbox!: number[];
  @IsNumber() confidence!: number;
}

export class PageOcrResultDto {
  @IsInt() @Min(1) pageNo!: number;
  @IsIn(['pdf-text', 'tesseract']) engine!: 'pdf-text' | 'tesseract';
  @IsString() text!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => OcrBlockDto) blocks!: OcrBlockDto[];
  /** The page image (sha256), passed on for the vision classifier. */
  @Matches(/^[0-9a-f]{64}$/) image!: string;
}

export class PageClassificationDto {
  @IsInt() @Min(1) pageNo!: number;
  @IsIn(SHEET_LABELS) label!: string;
  @IsNumber() @Min(0) @Max(1) confidence!: number;
  @IsIn(['text', 'vision']) method!: string;
}

export class ScaleFindingDto {
  @IsString() text!: string;
  @IsOptional() @IsNumber() ratio!: number | null;
  @IsBoolean() notToScale!: boolean;
  @IsOptional() @IsArray() bbox!: number[] | null;
}

export class PageScaleDto {
  @IsInt() @Min(1) pageNo!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ScaleFindingDto) findings!: ScaleFindingDto[];
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ScaleFindingDto) primary!: ScaleFindingDto | null;
}
