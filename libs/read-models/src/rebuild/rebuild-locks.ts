import type { EntityManager } from 'typeorm';

/**
 * Advisory lock keys of the projection rebuild (one keyspace per database; the values are arbitrary
 * but fixed, and below 2^31 so pg_locks shows them as classid 0 / objid = key).
 */
export const ProjectionLocks = {
  /**
   * Taken in shared mode by every live projection transaction and in exclusive mode by the swap: the
   * swap's catch-up and schema rename never interleave with a live batch.
   */
  Swap: 730_612_001,
  /** Session lock held for a whole rebuild: one rebuild at a time, across processes. */
  Rebuild: 730_612_002,
} as const;

/**
 * Call first in a live projection transaction (the projector's batch): waits while a rebuild swaps
 * schemas, then holds the swap off until the transaction ends.
 */
export async function holdProjectionSwap(manager: Pick<EntityManager, 'query'>): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared($1::bigint)`, [ProjectionLocks.Swap]);
}
