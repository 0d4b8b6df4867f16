import { isIP } from 'node:net';

/**
 * SSRF address policy: decides whether the scraper may open a connection to an IP address.
 *
 * Blocked are every address that is not globally routable unicast: loopback, private (RFC 1918),
 * CGNAT, link-local, unique-local, unspecified, multicast, broadcast/reserved, documentation and
 * benchmarking ranges, plus IPv6 forms that embed a blocked IPv4 address (IPv4-mapped, IPv4-compatible,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo `2001::/32`).
 *
 * Anything that does not parse as an IP address is treated as blocked (fail closed).
 */

interface Cidr {
  readonly bytes: readonly number[];
  readonly prefix: number;
  readonly reason: string;
}

function v4(cidr: string, reason: string): Cidr {
  const [addr, prefix] = cidr.split('/');
  const bytes = parseIPv4(addr);
  if (!bytes) throw new Error(`bad CIDR ${cidr}`);
  return { bytes, prefix: Number(prefix), reason };
}

function v6(cidr: string, reason: string): Cidr {
  const [addr, prefix] = cidr.split('/');
  const bytes = parseIPv6(addr);
  if (!bytes) throw new Error(`bad CIDR ${cidr}`);
  return { bytes, prefix: Number(prefix), reason };
}

const BLOCKED_V4: readonly Cidr[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'ietf-protocol-assignment'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4-relay'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // includes 255.255.255.255 (limited broadcast)
];

const BLOCKED_V6: readonly Cidr[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('64:ff9b:1::/48', 'nat64-local'),
  v6('100::/64', 'discard'),
  v6('2001:db8::/32', 'documentation'),
  v6('2001:2::/48', 'benchmarking'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'site-local'),
  v6('ff00::/8', 'multicast'),
];

const IPV4_MAPPED = v6('::ffff:0:0/96', 'ipv4-mapped');
const IPV4_COMPATIBLE = v6('::/96', 'ipv4-compatible');
const NAT64 = v6('64:ff9b::/96', 'nat64');
const SIX_TO_FOUR = v6('2002::/16', '6to4');
const TEREDO = v6('2001::/32', 'teredo');

/** Parses dotted-quad IPv4 (strict: four decimal octets) into 4 bytes. */
export function parseIPv4(address: string): number[] | null {
  if (isIP(address) !== 4) return null;
  return address.split('.').map((part) => Number(part));
}

/** Parses an IPv6 address (with optional `%zone` and trailing dotted IPv4) into 16 bytes. */
export function parseIPv6(input: string): number[] | null {
  const address = stripZone(input);
  if (isIP(address) !== 6) return null;
  let text = address;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const embedded = parseIPv4(text.slice(lastColon + 1));
    if (!embedded) return null;
    tail = embedded;
    text = text.slice(0, lastColon + 1) + '0:0'; // placeholder groups, replaced below
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return null;
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function stripZone(address: string): string {
  const unbracketed = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const zone = unbracketed.indexOf('%');
  return zone === -1 ? unbracketed : unbracketed.slice(0, zone);
}

function inCidr(bytes: readonly number[], cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (cidr.bytes[i] & mask)) return false;
  }
  return true;
}

function v4Reason(bytes: readonly number[]): string | null {
  return BLOCKED_V4.find((c) => inCidr(bytes, c))?.reason ?? null;
}

function v6Reason(bytes: readonly number[]): string | null {
  // Forms that embed an IPv4 address: the embedded address decides (plus the form itself when relevant).
  if (inCidr(bytes, IPV4_MAPPED) || inCidr(bytes, NAT64)) {
    return v4Reason(bytes.slice(12));
  }
  if (inCidr(bytes, IPV4_COMPATIBLE)) {
    // `::` and `::1` are matched below; any other `::a.b.c.d` is deprecated and never legitimate.
    const specific = BLOCKED_V6.find((c) => inCidr(bytes, c))?.reason;
    return specific ?? 'ipv4-compatible';
  }
  if (inCidr(bytes, SIX_TO_FOUR)) {
    const reason = v4Reason(bytes.slice(2, 6));
    return reason === null ? null : `6to4:${reason}`;
  }
  if (inCidr(bytes, TEREDO)) {
    // Teredo client address: the last 32 bits, bit-inverted.
    const client = bytes.slice(12).map((b) => ~b & 0xff);
    const reason = v4Reason(client);
    return reason === null ? null : `teredo:${reason}`;
  }
  return BLOCKED_V6.find((c) => inCidr(bytes, c))?.reason ?? null;
}

/**
 * Why `address` is blocked (`'loopback'`, `'private'`, ...), or `null` when it is a public unicast address.
 * Accepts IPv4, IPv6 (optionally bracketed, with zone id) and IPv4-mapped IPv6. Unparseable input -> `'invalid'`.
 */
export function blockedReason(address: string): string | null {
  const four = parseIPv4(address);
  if (four) return v4Reason(four);
  const six = parseIPv6(address);
  if (six) return v6Reason(six);
  return 'invalid';
}

/** True when connecting to `address` must be refused. */
export function isBlockedAddress(address: string): boolean {
  return blockedReason(address) !== null;
}

/**
 * Canonical text form of an IP address used for allow-list comparison: IPv4-mapped IPv6 becomes dotted IPv4,
 * IPv6 is fully expanded lower-case hex. Returns `null` for non-IP input.
 */
export function canonicalAddress(address: string): string | null {
  const four = parseIPv4(address);
  if (four) return four.join('.');
  const six = parseIPv6(address);
  if (!six) return null;
  if (inCidr(six, IPV4_MAPPED)) return six.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((six[i] << 8) | six[i + 1]).toString(16));
  return groups.join(':');
}

export interface AddressPolicyOptions {
  /** Disable the policy entirely (tests, trusted deployments). Default false. */
  allowPrivateNetworks?: boolean;
  /** Exact addresses exempt from the policy (e.g. an internal mirror). Default none. */
  allowedAddresses?: readonly string[];
}

/** The address policy as configured for one fetcher. */
export class AddressPolicy {
  private readonly allowAll: boolean;
  private readonly allowed: ReadonlySet<string>;

  constructor(options: AddressPolicyOptions = {}) {
    this.allowAll = options.allowPrivateNetworks ?? false;
    this.allowed = new Set(
      (options.allowedAddresses ?? []).map((a) => canonicalAddress(a)).filter((a): a is string => a !== null),
    );
  }

  /** Why the address is refused, or `null` when a connection to it is allowed. */
  check(address: string): string | null {
    if (this.allowAll) return null;
    const canonical = canonicalAddress(address);
    if (canonical !== null && this.allowed.has(canonical)) return null;
    return blockedReason(address);
  }

  isAllowed(address: string): boolean {
    return this.check(address) === null;
  }
}
