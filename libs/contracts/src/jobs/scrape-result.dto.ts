import { IsArray, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import type { ScrapeResult } from './scrape';

/** Schema of a scrape result carried by StageCompleted events (checked when produced and consumed). */
export class ScrapeResultDto implements ScrapeResult {
  @IsString() url!: string;
  @IsString() finalUrl!: string;
  @IsInt() @Min(100) @Max(599) statusCode!: number;
  @IsString() contentType!: string;
  @IsOptional() @IsString() title!: string | null;
  @IsOptional() @IsString() description!: string | null;
  @IsOptional() @IsString() canonical!: string | null;
  @IsOptional() @IsString() lang!: string | null;
  @IsArray() @IsString({ each: true }) h1!: string[];
  @IsArray() @IsString({ each: true }) links!: string[];
  @IsInt() @Min(0) bytes!: number;
  @IsISO8601({ strict: true }) fetchedAt!: string;
  @IsNumber() @Min(0) durationMs!: number;
}
