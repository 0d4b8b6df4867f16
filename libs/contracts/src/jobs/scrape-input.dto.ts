import { IsString, MaxLength, MinLength, Validate, ValidatorConstraint } from 'class-validator';
import type { ValidatorConstraintInterface, ValidationArguments } from 'class-validator';

export const MAX_SCRAPE_URL_LENGTH = 2048;

/** An absolute http(s) URL with a host, parseable by the WHATWG URL parser. */
@ValidatorConstraint({ name: 'httpUrl' })
export class HttpUrlConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return false;
    }
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.length > 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be an absolute http or https URL`;
  }
}

export class ScrapeInputDto {
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SCRAPE_URL_LENGTH)
  @Validate(HttpUrlConstraint)
  url!: string;
}
