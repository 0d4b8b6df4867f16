import type { DataSource } from 'typeorm';
import type { JobType } from '@app/contracts';

/** How many jobs each tenant has waiting or running, per job type (admission's tenant shares). */
export class TenantBacklogQueries {
  constructor(private readonly dataSource: Pick<DataSource, 'query'>) {}

  /** Per tenant, its jobs of `type` that are PENDING or RUNNING in the read model. */
  async unfinished(type: JobType): Promise<Map<string, number>> {
    const rows: { tenant_id: string; jobs: number }[] = await this.dataSource.query(
      `SELECT tenant_id, count(*)::int AS jobs FROM jobs
       WHERE requested AND type = $1 AND status IN ('PENDING', 'RUNNING')
       GROUP BY tenant_id`,
      [type],
    );
    return new Map(rows.map((row) => [row.tenant_id, row.jobs]));
  }
}
