import type { DataSource } from 'typeorm';
import { apiKeySecretHash, newApiKeyId, newApiKeySecret } from './api-key-secret';

type Query = Pick<DataSource, 'query'>;

export const API_KEY_ROLES = ['admin', 'member', 'reader'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** A key as listed: never its secret. */
export interface ApiKeyView {
  id: string;
  tenant: string;
  role: ApiKeyRole;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A key just created: the only time its secret exists outside the caller's hands. */
export interface CreatedApiKey extends ApiKeyView {
  key: string;
}

export interface NewApiKey {
  tenant: string;
  role: ApiKeyRole;
  expiresAt: Date | null;
}

/** Who a valid, unexpired, unrevoked secret belongs to. */
export interface ApiKeyPrincipal {
  keyId: string;
  tenant: string;
  role: ApiKeyRole;
  expiresAt: Date | null;
}

interface KeyRow {
  id: string;
  tenant_id: string;
  role: ApiKeyRole;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** The `api_keys` table: create, list, revoke, and resolve a presented secret. */
export class ApiKeyStore {
  constructor(private readonly dataSource: Query) {}

  /** Creates a key with a fresh random secret (or `secret`, for the configured bootstrap key). */
  async create(key: NewApiKey, secret: string = newApiKeySecret()): Promise<CreatedApiKey> {
    const rows: KeyRow[] = await this.dataSource.query(
      `INSERT INTO api_keys (id, secret_sha256, tenant_id, role, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       RETURNING id, tenant_id, role, created_at, expires_at, revoked_at`,
      [newApiKeyId(), apiKeySecretHash(secret), key.tenant, key.role, key.expiresAt],
    );
    return { ...toView(rows[0]), key: secret };
  }

  /**
   * Makes `secret` an admin key of `tenant` unless a key with that secret exists already (revoked or
   * not: a revoked bootstrap key stays revoked). Returns the key's id and whether it was created.
   */
  async ensureAdminKey(secret: string, tenant: string): Promise<{ id: string; created: boolean }> {
    const rows: { id: string; created: boolean }[] = await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO api_keys (id, secret_sha256, tenant_id, role) VALUES ($1, $2, $3, 'admin')
         ON CONFLICT (secret_sha256) DO NOTHING
         RETURNING id)
       SELECT id, true AS created FROM inserted
       UNION ALL
       SELECT id, false AS created FROM api_keys WHERE secret_sha256 = $2`,
      [newApiKeyId(), apiKeySecretHash(secret), tenant],
    );
    if (rows.length > 0) return rows[0];
    // Another replica inserted it while this statement ran: its snapshot could not see the row.
    const existing: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM api_keys WHERE secret_sha256 = $1`,
      [apiKeySecretHash(secret)],
    );
    return { id: existing[0].id, created: false };
  }

  async count(): Promise<number> {
    const rows: { count: string }[] = await this.dataSource.query(`SELECT count(*) FROM api_keys`);
    return Number(rows[0].count);
  }

  /** Every key, newest first (a tenant's only when `tenant` is given). */
  async list(tenant?: string): Promise<ApiKeyView[]> {
    const rows: KeyRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, role, created_at, expires_at, revoked_at FROM api_keys
       WHERE $1::text IS NULL OR tenant_id = $1
       ORDER BY created_at DESC, id DESC`,
      [tenant ?? null],
    );
    return rows.map(toView);
  }

  /** Revokes a key; null when there is no such key. Revoking twice keeps the first time. */
  async revoke(id: string): Promise<ApiKeyView | null> {
    const rows: KeyRow[] = await this.dataSource.query(
      // In a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with its rows.
      `WITH revoked AS (
         UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
         RETURNING id, tenant_id, role, created_at, expires_at, revoked_at)
       SELECT * FROM revoked`,
      [id],
    );
    return rows.length === 0 ? null : toView(rows[0]);
  }

  /** The principal of a secret that is known, not revoked and not expired; null otherwise. */
  async resolve(secret: string): Promise<ApiKeyPrincipal | null> {
    const rows: KeyRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, role, created_at, expires_at, revoked_at FROM api_keys
       WHERE secret_sha256 = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [apiKeySecretHash(secret)],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return { keyId: row.id, tenant: row.tenant_id, role: row.role, expiresAt: row.expires_at };
  }
}

function toView(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    tenant: row.tenant_id,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
