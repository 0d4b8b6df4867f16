import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

/**
 * Adds OpenAPI descriptions to properties a subclass inherits from a validation DTO (a subclass
 * cannot redeclare a field just to decorate it): `describeProperties(ScrapeJobInput, { url: {...} })`.
 * Give each property its `type`: inherited fields carry no design-time type to infer it from.
 */
export function describeProperties<T extends object>(
  target: abstract new (...args: never[]) => T,
  properties: { [K in keyof T & string]-?: ApiPropertyOptions },
): void {
  for (const [name, options] of Object.entries<ApiPropertyOptions>(properties)) {
    ApiProperty(options)(target.prototype as object, name);
  }
}
