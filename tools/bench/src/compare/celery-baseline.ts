/*
 * The Celery baseline of issue 11 (../shared/baselines/celery), run from a copy of our own: its
 * up.sh installs redis-server and a .venv into the copy, starts Redis :6390, PostgreSQL :5499, the
 * Celery worker and the FastAPI app :8300 (pids in run/pids); down.sh stops exactly those.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { cacheDir, firstUntraversableAncestor, postgresServiceUser, runCommand } from '@app/stack';

export const BASELINE_API = 'http://127.0.0.1:8300';
const BASELINE_DATABASE = 'postgres://postgres@127.0.0.1:5499/jobs';
/** Left alone when the copy is refreshed: what up.sh made there. */
const KEPT = new Set(['.venv', 'data', 'run', 'results']);

/** The source folder: BENCH_COMPARE_BASELINE_SOURCE, else ../shared/baselines/celery next to the checkout. */
export function baselineSource(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.BENCH_COMPARE_BASELINE_SOURCE) return path.resolve(env.BENCH_COMPARE_BASELINE_SOURCE);
  return path.resolve(repoRoot, '..', 'shared', 'baselines', 'celery');
}

export class CeleryBaseline {
  /** Where the copy lives (its .venv is reused between runs). */
  readonly dir: string;
  private dataDir = '';
  private started = false;

  constructor(
    private readonly source: string,
    private readonly log: (line: string) => void,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.dir = path.resolve(env.BENCH_COMPARE_BASELINE_DIR ?? path.join(cacheDir(env), 'celery-baseline'));
  }

  get loadgenScript(): string {
    return path.join(this.dir, 'loadgen.mjs');
  }

  get pageServerScript(): string {
    return path.join(this.dir, 'page-server.mjs');
  }

  /**
   * Copies the source over the copy (keeping .venv, data, run, results) and picks a data folder the
   * postgres user can reach: the copy's own `data/`, or one under the temp folder when a parent of
   * the copy (e.g. a 0700 home directory) is closed to it.
   */
  async prepare(): Promise<void> {
    if (!fs.existsSync(path.join(this.source, 'up.sh'))) {
      throw new Error(`no Celery baseline at ${this.source} (set BENCH_COMPARE_BASELINE_SOURCE)`);
    }
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    for (const entry of fs.readdirSync(this.source)) {
      if (KEPT.has(entry)) continue;
      const target = path.join(this.dir, entry);
      fs.rmSync(target, { recursive: true, force: true });
      fs.cpSync(path.join(this.source, entry), target, { recursive: true });
      makeWritable(target);
    }
    fs.chmodSync(this.dir, 0o755);
    const user = await postgresServiceUser();
    const blocked = user ? firstUntraversableAncestor(path.join(this.dir, 'data', 'pg'), user) : undefined;
    if (blocked) {
      this.dataDir = path.join(os.tmpdir(), 'event-jobs-celery-baseline-data');
      fs.mkdirSync(this.dataDir, { recursive: true });
      fs.chmodSync(this.dataDir, 0o755);
      this.log(`the postgres user cannot traverse ${blocked}: baseline data in ${this.dataDir}`);
    } else {
      this.dataDir = path.join(this.dir, 'data');
    }
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, BASELINE_DATA: this.dataDir, POOL: 'gevent' };
  }

  /** `POOL=gevent ./up.sh` (stops a run of ours left over by a killed benchmark first). */
  async up(): Promise<void> {
    if (fs.existsSync(path.join(this.dir, 'run', 'pids'))) {
      this.log('stopping a baseline left running by an earlier run (run/pids)');
      await this.down();
    }
    this.log(`POOL=gevent ./up.sh in ${this.dir} (first run installs redis-server and a .venv: slow)`);
    this.started = true;
    const result = await runCommand('./up.sh', [], {
      cwd: this.dir,
      env: this.env(),
      check: false,
      timeoutMs: 30 * 60_000,
    });
    const output = `${result.stdout}${result.stderr}`.trim();
    if (result.code !== 0) throw new Error(`baseline up.sh failed (exit ${result.code}):\n${output}`);
    this.log(output.split('\n').slice(-1)[0] ?? 'up');
  }

  /** `./down.sh`: stops exactly the pids up.sh recorded. */
  async down(): Promise<void> {
    const result = await runCommand('./down.sh', [], {
      cwd: this.dir,
      env: this.env(),
      check: false,
      timeoutMs: 120_000,
    });
    this.started = false;
    if (result.code !== 0) this.log(`down.sh exited ${result.code}: ${result.stderr.trim()}`);
  }

  /** down() if up() ran (for cleanup paths). */
  async stopIfStarted(): Promise<void> {
    if (this.started) await this.down();
  }

  /** pid -> role from run/pids (worker, api, redis, postgres, fixture). */
  roles(): Map<number, string> {
    const roles = new Map<number, string>();
    const file = path.join(this.dir, 'run', 'pids');
    if (!fs.existsSync(file)) return roles;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const [name, pid] = line.trim().split(/\s+/);
      if (name && Number(pid) > 0) roles.set(Number(pid), name === 'fixture' ? 'page-server' : name);
    }
    return roles;
  }

  /** The roles that are the baseline's services (for the memory figure). */
  readonly services = ['api', 'worker'];

  /** Empties the jobs table (as bench.sh does with RESET=1). */
  async reset(): Promise<void> {
    await this.sql('TRUNCATE jobs');
  }

  async checkpoint(): Promise<void> {
    await this.sql('CHECKPOINT');
  }

  private async sql(statement: string): Promise<void> {
    const client = new Client({ connectionString: BASELINE_DATABASE });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
}

function makeWritable(target: string): void {
  const stat = fs.statSync(target);
  fs.chmodSync(target, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of fs.readdirSync(target)) makeWritable(path.join(target, entry));
}
