import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every generated secret: tells a leaked string for what it is (secret scanners match it). */
const SECRET_PREFIX = 'ejk_';

/** A new secret: 256 random bits, base64url. */
export function newApiKeySecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** A new key id: not secret, shown in lists and audit records. */
export function newApiKeyId(): string {
  return 'key_' + randomBytes(8).toString('hex');
}

/**
 * What is stored of a secret. A plain SHA-256 is enough: secrets carry at least 128 random bits
 * (generated ones 256, a configured bootstrap key at least 32 characters), so there is nothing to
 * brute-force that a slow hash would protect, and a lookup costs microseconds.
 */
export function apiKeySecretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
