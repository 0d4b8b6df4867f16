import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { findFreePort, LOOPBACK } from './free-port';
import { runningPostmaster, stopLeftover } from './leftover-processes';
import { tailFile } from './log-tail';
import { findPostgresBinaries, PostgresBinaries } from './postgres-binaries';
import { runCommand } from './run-command';
import {
  asUser,
  chownTree,
  firstUntraversableAncestor,
  postgresServiceUser,
  ServiceUser,
} from './service-user';
import { waitFor } from './wait-for';

export interface PostgresServerOptions {
  /** The cluster folder (PGDATA). initdb runs only while it is empty or missing. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Application database created when missing (default `eventjobs`). */
  database?: string;
  /**
   * For tests: fsync, synchronous_commit and full_page_writes off. Fast, but a machine crash can
   * corrupt the cluster, so never for data worth keeping.
   */
  fast?: boolean;
  /** Unix socket folder; default `<parent of dataDir>/pg-run` (never /var/run). */
  socketDir?: string;
  /** Server log; default `<parent of dataDir>/postgres.log`. */
  logFile?: string;
  /** max_connections (default 200: several services with pools plus tests). */
  maxConnections?: number;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

const SUPERUSER = 'postgres';
const INCLUDE_FILE = 'eventjobs.conf';

/**
 * A PostgreSQL cluster run from the machine's server binaries in a folder we own, on 127.0.0.1.
 * When we are root the programs run as an unprivileged user (see postgresServiceUser).
 */
export class PostgresServer {
  readonly dataDir: string;
  readonly socketDir: string;
  readonly logFile: string;
  readonly database: string;
  private portValue: number | undefined;
  private binaries: PostgresBinaries | undefined;
  private user: ServiceUser | undefined;

  constructor(private readonly options: PostgresServerOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.socketDir = options.socketDir ?? path.join(path.dirname(this.dataDir), 'pg-run');
    this.logFile = options.logFile ?? path.join(path.dirname(this.dataDir), 'postgres.log');
    this.database = options.database ?? 'eventjobs';
    this.portValue = options.port;
  }

  get port(): number {
    if (this.portValue === undefined) throw new Error('PostgresServer: port is known once start() has run');
    return this.portValue;
  }

  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication on loopback). */
  get url(): string {
    return this.urlFor(this.database);
  }

  urlFor(database: string): string {
    return `postgres://${SUPERUSER}@${LOOPBACK}:${this.port}/${database}`;
  }

  /** The postmaster's pid while it runs (from postmaster.pid). */
  get pid(): number | undefined {
    try {
      const first = fs.readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
      const pid = Number(first);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  async start(): Promise<void> {
    this.binaries ??= findPostgresBinaries();
    this.user = await postgresServiceUser();
    this.portValue ??= await findFreePort();
    this.prepareFolders();

    if (!fs.existsSync(path.join(this.dataDir, 'PG_VERSION'))) await this.initCluster(this.binaries.initdb);
    this.writeSettings();

    await this.stopEarlierPostmaster();
    const timeoutSeconds = Math.ceil((this.options.startTimeoutMs ?? 60_000) / 1000);
    try {
      await this.run(this.binaries.pgCtl, [
        'start',
        '-D',
        this.dataDir,
        '-l',
        this.logFile,
        '-w',
        '-t',
        String(timeoutSeconds),
        '-s',
      ]);
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n--- last lines of ${this.logFile} ---\n${tailFile(this.logFile)}`);
    }
    await this.waitUntilConnectable();
    await this.ensureDatabase(this.database);
  }

  /** `pg_ctl stop -m fast` (no-op when it is not running). */
  async stop(): Promise<void> {
    if (!this.binaries || !(await this.isRunning())) return;
    await this.pgCtlStop();
  }

  /** Creates a database when missing. */
  async ensureDatabase(name: string): Promise<void> {
    const client = new Client({ connectionString: this.urlFor('postgres') });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  }

  private prepareFolders(): void {
    // Parents get the usual mode (the service user must traverse them); only PGDATA itself is private.
    fs.mkdirSync(path.dirname(this.dataDir), { recursive: true });
    if (!fs.existsSync(this.dataDir)) fs.mkdirSync(this.dataDir, { mode: 0o700 });
    fs.mkdirSync(this.socketDir, { recursive: true });
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    if (!fs.existsSync(this.logFile)) fs.writeFileSync(this.logFile, '');
    fs.chmodSync(this.dataDir, 0o700);
    const user = this.user;
    if (!user) return;
    const blocked = firstUntraversableAncestor(this.dataDir, user);
    if (blocked) {
      throw new Error(
        `PostgreSQL runs as user ${user.name}, who cannot enter ${blocked} (a parent of ${this.dataDir}): ` +
          `choose a data folder elsewhere or make it traversable (chmod o+x ${blocked})`,
      );
    }
    chownTree(this.dataDir, user);
    chownTree(this.socketDir, user);
    fs.chownSync(this.logFile, user.uid, user.gid);
  }

  /**
   * initdb into a folder beside PGDATA, renamed into place once complete: a start killed during
   * initdb leaves no half-made cluster that the next start would take for a real one.
   */
  private async initCluster(initdb: string): Promise<void> {
    const staging = `${this.dataDir}.initdb`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { mode: 0o700 });
    if (this.user) fs.chownSync(staging, this.user.uid, this.user.gid);
    await this.run(initdb, [
      '-D',
      staging,
      '-A',
      'trust',
      '-U',
      SUPERUSER,
      '--encoding=UTF8',
      '--locale=C',
      ...(this.options.fast ? ['--no-sync'] : []),
    ]);
    // Without PG_VERSION this folder holds at most an interrupted initdb of an older version of this code.
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    fs.renameSync(staging, this.dataDir);
  }

  /**
   * A run killed before it could stop the cluster leaves it running (stopped here, so our settings
   * apply) or leaves a stale postmaster.pid. Its pid is checked through /proc first: `pg_ctl` would
   * signal whatever process has that pid now, and postgres refuses to start while it is alive.
   */
  private async stopEarlierPostmaster(): Promise<void> {
    const postmaster = runningPostmaster(this.dataDir);
    if (postmaster) {
      this.options.log?.(`stopping a PostgreSQL (pid ${postmaster.pid}) left running on ${this.dataDir}`);
      await stopLeftover({ ...postmaster, kind: 'postgres' });
    }
    fs.rmSync(path.join(this.dataDir, 'postmaster.pid'), { force: true });
  }

  /** Our settings live in eventjobs.conf, included from postgresql.conf and rewritten on each start. */
  private writeSettings(): void {
    const mainConf = path.join(this.dataDir, 'postgresql.conf');
    const includeLine = `include_if_exists = '${INCLUDE_FILE}'`;
    if (!fs.readFileSync(mainConf, 'utf8').includes(includeLine)) {
      fs.appendFileSync(mainConf, `\n# Added by tools/stack (event-jobs)\n${includeLine}\n`);
    }
    const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;
    const settings: Record<string, string | number> = {
      listen_addresses: quote(LOOPBACK),
      port: this.port,
      unix_socket_directories: quote(this.socketDir),
      max_connections: this.options.maxConnections ?? 200,
      ...(this.options.fast ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    };
    const text = Object.entries(settings)
      .map(([key, value]) => `${key} = ${value}`)
      .join('\n');
    const file = path.join(this.dataDir, INCLUDE_FILE);
    fs.writeFileSync(file, `# Generated by tools/stack (event-jobs) on every start.\n${text}\n`);
    if (this.user) fs.chownSync(file, this.user.uid, this.user.gid);
  }

  private async isRunning(): Promise<boolean> {
    if (!this.binaries) return false;
    const [command, args] = asUser(this.user, this.binaries.pgCtl, ['status', '-D', this.dataDir]);
    const result = await runCommand(command, args, { check: false, cwd: path.dirname(this.dataDir) });
    return result.code === 0;
  }

  private async pgCtlStop(): Promise<void> {
    if (!this.binaries) return;
    await this.run(this.binaries.pgCtl, ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', '-s']);
  }

  private async run(program: string, args: readonly string[]): Promise<void> {
    const [command, fullArgs] = asUser(this.user, program, args);
    // A cwd the service user can enter (initdb and pg_ctl complain about an unreadable one).
    await runCommand(command, fullArgs, { cwd: path.dirname(this.dataDir), timeoutMs: 120_000 });
  }

  private async waitUntilConnectable(): Promise<void> {
    await waitFor(
      async () => {
        const client = new Client({
          connectionString: this.urlFor('postgres'),
          connectionTimeoutMillis: 2_000,
        });
        await client.connect();
        await client.end();
        return true;
      },
      { what: `PostgreSQL on ${LOOPBACK}:${this.port}`, timeoutMs: 30_000, intervalMs: 200 },
    );
  }
}
