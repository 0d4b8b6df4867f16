import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@app/platform';
import { InitialReadModels1764000000000 } from './migrations/1764000000000-initial-read-models';
import { OperationalSchemas1765000000000 } from './migrations/1765000000000-operational-schemas';
import { DocumentReadModels1766000000000 } from './migrations/1766000000000-document-read-models';
import { DeadLetters1767000000000 } from './migrations/1767000000000-dead-letters';
import { JobRuns1768000000000 } from './migrations/1768000000000-job-runs';
import { JobSubmissions1769000000000 } from './migrations/1769000000000-job-submissions';
import { StageReports1770000000000 } from './migrations/1770000000000-stage-reports';
import { JobEventSequences1771000000000 } from './migrations/1771000000000-job-event-sequences';
import { ApiKeys1772000000000 } from './migrations/1772000000000-api-keys';
import { TenantRateBuckets1773000000000 } from './migrations/1773000000000-tenant-rate-buckets';
import { DeadLetterTenants1774000000000 } from './migrations/1774000000000-dead-letter-tenants';
import { JobListFilters1775000000000 } from './migrations/1775000000000-job-list-filters';
import { JobThroughputIndex1776000000000 } from './migrations/1776000000000-job-throughput-index';

export const MIGRATIONS = [
  InitialReadModels1764000000000,
  OperationalSchemas1765000000000,
  DocumentReadModels1766000000000,
  DeadLetters1767000000000,
  JobRuns1768000000000,
  JobSubmissions1769000000000,
  StageReports1770000000000,
  JobEventSequences1771000000000,
  ApiKeys1772000000000,
  TenantRateBuckets1773000000000,
  DeadLetterTenants1774000000000,
  JobListFilters1775000000000,
  JobThroughputIndex1776000000000,
];

/** The PostgreSQL connection pool; schema changes only through migrations (never `synchronize`). */
export function createDataSource(config: DatabaseConfig, applicationName: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.url,
    applicationName,
    poolSize: config.poolSize,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    extra: { connectionTimeoutMillis: 3000, statement_timeout: 30000 },
  });
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
