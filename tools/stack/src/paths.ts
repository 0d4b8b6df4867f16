import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where downloaded jars and built binaries live: outside the repository, shared by every checkout,
 * so that only the first start on a machine pays for Maven and the Go build.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EVENT_JOBS_CACHE_DIR) return path.resolve(env.EVENT_JOBS_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'event-jobs');
  return path.join(os.homedir(), '.cache', 'event-jobs');
}

/** The monorepo root (this file sits at tools/stack/src, or dist/tools/stack/src once built). */
export function repoRoot(): string {
  const up = path.resolve(__dirname, '..', '..', '..');
  return path.basename(up) === 'dist' ? path.dirname(up) : up;
}

/** Data folder used by `npm start`: Kafka log dirs and the PostgreSQL cluster (gitignored `.data`). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EVENT_JOBS_DATA_DIR ? path.resolve(env.EVENT_JOBS_DATA_DIR) : path.join(repoRoot(), '.data');
}

/** What `LocalStack` keeps inside a data folder (one place, so that start-up can find an earlier run's processes). */
export interface StackFolders {
  /** Kafka's folder: server.properties, `logs/`, kafka.log. */
  kafka: string;
  /** PostgreSQL's PGDATA (postmaster.pid lives here while it runs). */
  postgresData: string;
  /** Jaeger's folder: jaeger.yaml, jaeger.log. */
  jaeger: string;
}

export function stackFolders(dataDir: string): StackFolders {
  const root = path.resolve(dataDir);
  return {
    kafka: path.join(root, 'kafka'),
    postgresData: path.join(root, 'postgres', 'data'),
    jaeger: path.join(root, 'jaeger'),
  };
}
