import type { Request } from 'express';

/** The key from `Authorization: Bearer …`, else from `X-API-Key`; null when neither is sent. */
export function presentedKey(req: Pick<Request, 'headers'>): string | null {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  return null;
}
