import {
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { HttpUrlConstraint } from '@app/contracts';

/*
 * The scrape URL as POST /jobs accepts it, as one regular expression, so the OpenAPI schema can state
 * exactly what is accepted (a fuzzer or generated client that follows the pattern is never refused).
 * Every match also parses as an http(s) URL with a host (the contracts' HttpUrlConstraint, which
 * stays the rule for events already on the log): ASCII only, hosts as DNS names without `--` (no
 * punycode to get wrong), a last label starting with a letter (`a.1` would be read as an IPv4 address),
 * dotted-quad IPv4, bracketed IPv6, ports 0-65535.
 */
const HEX = '[0-9A-Fa-f]{1,4}';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const LABEL = '[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*';
const LAST_LABEL = '[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*';
const DNS_NAME = `(?:${LABEL}\\.)*${LAST_LABEL}`;
const IPV4 = `(?:${OCTET}\\.){3}${OCTET}`;
const IPV6 = [
  `(?:${HEX}:){7}${HEX}`,
  `(?:${HEX}:){1,7}:`,
  `(?:${HEX}:){1,6}:${HEX}`,
  `(?:${HEX}:){1,5}(?::${HEX}){1,2}`,
  `(?:${HEX}:){1,4}(?::${HEX}){1,3}`,
  `(?:${HEX}:){1,3}(?::${HEX}){1,4}`,
  `(?:${HEX}:){1,2}(?::${HEX}){1,5}`,
  `${HEX}:(?::${HEX}){1,6}`,
  `:(?:(?::${HEX}){1,7}|:)`,
].join('|');
const PORT = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)';
/** Path, query and fragment: any visible ASCII (the URL parser percent-encodes what needs it). */
const REST = '[/?#][!-~]*';

export const SCRAPE_URL_PATTERN = new RegExp(
  `^https?://(?:${DNS_NAME}|${IPV4}|\\[(?:${IPV6})\\])(?::${PORT})?(?:${REST})?$`,
);

/**
 * The URL rule of a scrape job's input at the HTTP edge: the pattern, and (as a guard on the pattern)
 * the contracts' WHATWG check. One constraint, so a bad URL gets one field error.
 */
@ValidatorConstraint({ name: 'scrapeUrl' })
export class ScrapeUrlConstraint implements ValidatorConstraintInterface {
  private readonly parses = new HttpUrlConstraint();

  validate(value: unknown): boolean {
    return typeof value === 'string' && SCRAPE_URL_PATTERN.test(value) && this.parses.validate(value);
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be an absolute http or https URL in ASCII, its host a DNS name or an IP address`;
  }
}
