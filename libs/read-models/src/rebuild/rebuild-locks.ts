import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

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

/** The session lock held for a whole rebuild, on a connection of its own. */
export class RebuildLock {
  private constructor(private readonly runner: QueryRunner) {}

  /** Takes the lock; null when another session (here or in another process) holds it. */
  static async tryAcquire(dataSource: DataSource): Promise<RebuildLock | null> {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [row]: { locked: boolean }[] = await runner.manager.query(
        `SELECT pg_try_advisory_lock($1::bigint) AS locked`,
        [ProjectionLocks.Rebuild],
      );
      if (row.locked) return new RebuildLock(runner);
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw error;
    }
    await runner.release().catch(() => undefined);
    return null;
  }

  /** Unlocks and returns the connection; never throws. */
  async release(): Promise<void> {
    await this.runner
      .query(`SELECT pg_advisory_unlock($1::bigint)`, [ProjectionLocks.Rebuild])
      .catch(() => undefined);
    await this.runner.release().catch(() => undefined);
  }
}
