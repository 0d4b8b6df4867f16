import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** Fields every stage event carries: which stage (and version), which attempt, and the page if any. */
export class StageEventData {
  @IsString() @Length(1, 64) stage!: string;
  @IsString() @Length(1, 64) stageVersion!: string;
  @IsInt() @Min(1) @Max(1000) attempt!: number;
  /** Set by per-page stages (documents): the page this event is about. */
  @IsOptional() @IsInt() @Min(1) @Max(100000) page?: number;
}
