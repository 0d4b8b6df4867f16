/**
 * The projection tables: everything the fold writes, and everything a projection rebuild recreates
 * from the log. Any other table (idempotency keys, the migrations table, ...) is not a projection and
 * survives a rebuild untouched.
 */
export const PROJECTION_TABLES: readonly string[] = [
  'jobs',
  'job_events',
  'job_stages',
  'documents',
  'document_pages',
  'job_event_seqs',
];

/** Minimal query interface shared by TypeORM's QueryRunner and EntityManager. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * DDL of the projection tables as introduced by InitialReadModels1764000000000. Names are unqualified:
 * the statements create the tables in the first schema of `search_path` (public for migrations, the
 * shadow schema for a rebuild).
 */
export const INITIAL_PROJECTION_DDL: readonly string[] = [
  `
      CREATE TABLE jobs (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        priority text,
        input jsonb,
        result jsonb,
        error jsonb,
        attempts integer NOT NULL DEFAULT 0,
        correlation_id text NOT NULL,
        trace_id text,
        idempotency_key text,
        -- false while only stage events arrived (cross-topic order is not guaranteed): hidden from reads
        requested boolean NOT NULL DEFAULT false,
        created_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz
      )`,
  `CREATE INDEX jobs_newest_first ON jobs (tenant_id, created_at DESC, id DESC) WHERE requested`,
  `CREATE INDEX jobs_by_status ON jobs (tenant_id, status, created_at DESC, id DESC) WHERE requested`,
  `CREATE INDEX jobs_by_type ON jobs (tenant_id, type, created_at DESC, id DESC) WHERE requested`,
  `
      CREATE TABLE job_events (
        event_id uuid PRIMARY KEY,
        job_id uuid NOT NULL,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        envelope jsonb NOT NULL
      )`,
  `CREATE INDEX job_events_history ON job_events (job_id, occurred_at)`,
  `
      CREATE TABLE job_stages (
        job_id uuid NOT NULL,
        stage text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        stage_version text,
        error jsonb,
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (job_id, stage)
      )`,
];

/** DocumentReadModels1766000000000: an uploaded document and its pages (fan-in of the per-page stages). */
export const DOCUMENT_PROJECTION_DDL: readonly string[] = [
  `
      CREATE TABLE documents (
        job_id uuid PRIMARY KEY,
        filename text,
        media_type text,
        size bigint,
        sha256 text,
        page_count integer
      )`,
  `
      CREATE TABLE document_pages (
        job_id uuid NOT NULL,
        page_no integer NOT NULL,
        status text NOT NULL,
        engine text,
        text text,
        classification jsonb,
        scale jsonb,
        error jsonb,
        PRIMARY KEY (job_id, page_no)
      )`,
];

/**
 * JobRuns1768000000000: runs and superseding results. `run` is the job's current run (a re-run bumps it
 * and resets the row); `outcome_version` is the stage version whose outcome the job row holds, so a
 * reprocessed result from another stage version supersedes it.
 */
export const RUN_PROJECTION_DDL: readonly string[] = [
  `ALTER TABLE jobs ADD COLUMN run integer NOT NULL DEFAULT 0, ADD COLUMN outcome_version text`,
  `ALTER TABLE job_stages ADD COLUMN run integer NOT NULL DEFAULT 0`,
  `ALTER TABLE documents ADD COLUMN run integer NOT NULL DEFAULT 0`,
  `ALTER TABLE document_pages ADD COLUMN run integer NOT NULL DEFAULT 0`,
];

/**
 * StageReports1770000000000: a job's latest progress (`StageProgressed`, see progress-projection.ts)
 * and an index over its log lines (`StageLogged` events in job_events, read by `GET /jobs/{id}/logs`).
 */
export const STAGE_REPORT_PROJECTION_DDL: readonly string[] = [
  `ALTER TABLE jobs ADD COLUMN progress jsonb`,
  `CREATE INDEX job_events_logs ON job_events (job_id, occurred_at, event_id) WHERE type = 'StageLogged'`,
];

/**
 * JobEventSequences1771000000000: `job_seq`, the order in which a job's events became visible (commit
 * order per job), the id a live stream resumes from. `job_event_seqs` holds each job's last number;
 * the fold's insert takes its row lock (held until commit), so two transactions adding events to one
 * job number them in the order they commit. Existing rows are numbered in `GET /jobs/{id}/events`
 * order. A rebuild re-derives the numbers from the log (they need not equal the live ones).
 */
export const JOB_SEQ_PROJECTION_DDL: readonly string[] = [
  `CREATE TABLE job_event_seqs (job_id uuid PRIMARY KEY, last_seq bigint NOT NULL)`,
  `ALTER TABLE job_events ADD COLUMN job_seq bigint`,
  `UPDATE job_events e SET job_seq = n.seq
   FROM (SELECT event_id, row_number() OVER (PARTITION BY job_id
           ORDER BY occurred_at, (type <> 'JobRequested'), source_topic, source_offset) AS seq
         FROM job_events) n
   WHERE e.event_id = n.event_id`,
  `INSERT INTO job_event_seqs (job_id, last_seq) SELECT job_id, max(job_seq) FROM job_events GROUP BY job_id`,
  `ALTER TABLE job_events ALTER COLUMN job_seq SET NOT NULL`,
  `ALTER TABLE job_events ADD CONSTRAINT job_events_job_seq UNIQUE (job_id, job_seq)`,
];

/** JobListFilters1775000000000: `GET /jobs?correlationId=` finds a request's jobs without a scan. */
export const JOB_FILTER_PROJECTION_DDL: readonly string[] = [
  `CREATE INDEX jobs_by_correlation ON jobs (tenant_id, correlation_id) WHERE requested`,
];

/**
 * JobThroughputIndex1776000000000: `GET /admin/throughput` reads the jobs finished in the last minutes
 * (every tenant) by `finished_at` without a scan.
 */
export const JOB_THROUGHPUT_PROJECTION_DDL: readonly string[] = [
  `CREATE INDEX jobs_by_finish ON jobs (finished_at) WHERE requested AND finished_at IS NOT NULL`,
];

/**
 * Every projection DDL step, in migration order. A migration that changes a projection table puts its
 * statements here as a new step (and runs that step in its `up`), so a rebuild creates exactly the
 * tables the migrations produce, from one copy of the SQL.
 */
export const PROJECTION_DDL_STEPS: readonly (readonly string[])[] = [
  INITIAL_PROJECTION_DDL,
  DOCUMENT_PROJECTION_DDL,
  RUN_PROJECTION_DDL,
  STAGE_REPORT_PROJECTION_DDL,
  JOB_SEQ_PROJECTION_DDL,
  JOB_FILTER_PROJECTION_DDL,
  JOB_THROUGHPUT_PROJECTION_DDL,
];

/** Runs one DDL step (a migration's share of the projection schema). */
export async function runDdl(runner: SqlRunner, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await runner.query(statement);
}

/** Creates the current projection tables in the first schema of the runner's `search_path`. */
export async function createProjectionTables(runner: SqlRunner): Promise<void> {
  for (const step of PROJECTION_DDL_STEPS) await runDdl(runner, step);
}
