import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findFreePorts,
  findLeftoverProcesses,
  isJaegerBinaryBuilt,
  stopLeftoverProcesses,
  type LeftoverKind,
} from '@app/stack';
import { ApiClient } from '../support/api-client';
import { LauncherProcess } from '../support/launcher-process';
import { eventually } from '../support/wait';

/** Kafka's first start on a new folder (a JVM, storage format) plus five services, on a shared 2-core machine. */
const READY_TIMEOUT_MS = 180_000;
const CASE_TIMEOUT_MS = 300_000;

/**
 * `npm start` owns its data folder: one launcher per folder, and whatever a launcher killed with
 * SIGKILL left running there (PostgreSQL, Kafka, Jaeger, services, which live on in process groups
 * of their own) is stopped by the next start, which then comes up with every job still there. The
 * cases run in sequence on one folder, each starting from what the one before left.
 */
describe('npm start owns its data folder (launcher killed with SIGKILL, second start)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let api: ApiClient;
  const launchers: LauncherProcess[] = [];
  /** The launcher that holds the folder, from one case to the next. */
  let holder: LauncherProcess;
  let jobId: string;

  const launch = (): LauncherProcess => {
    const launcher = LauncherProcess.start(env);
    launchers.push(launcher);
    return launcher;
  };
  const leftoverKinds = (): LeftoverKind[] => [
    ...new Set(findLeftoverProcesses(dataDir).map((leftover) => leftover.kind)),
  ];
  const expectJobStillThere = async (): Promise<void> => {
    const job = await eventually('the job submitted before', async () => {
      const response = await api.request('GET', `/jobs/${jobId}`);
      return response.status === 200 ? response.body : undefined;
    });
    expect(job.id).toBe(jobId);
  };

  beforeAll(async () => {
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-launcher-'));
    // PostgreSQL runs as another user when we are root and must get through.
    await fs.promises.chmod(dataDir, 0o755);
    const [kafka, controller, postgres, gateway, otlpGrpc, otlpHttp, query, queryGrpc] =
      await findFreePorts(8);
    const withJaeger = isJaegerBinaryBuilt();
    env = {
      ...process.env,
      EVENT_JOBS_DATA_DIR: dataDir,
      KAFKA_PORT: String(kafka),
      KAFKA_CONTROLLER_PORT: String(controller),
      POSTGRES_PORT: String(postgres),
      GATEWAY_PORT: String(gateway),
      OPS_PORT: '0',
      // The cached binary starts in a second; without one the test would build it for minutes.
      EVENT_JOBS_JAEGER: String(withJaeger),
      JAEGER_OTLP_GRPC_PORT: String(otlpGrpc),
      JAEGER_OTLP_HTTP_PORT: String(otlpHttp),
      JAEGER_QUERY_PORT: String(query),
      JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
    };
    api = new ApiClient(`http://127.0.0.1:${gateway}`);
  });

  afterAll(async () => {
    for (const launcher of launchers) launcher.signal('SIGTERM');
    await Promise.all(launchers.map((launcher) => launcher.waitForExit(60_000).catch(() => undefined)));
    await stopLeftoverProcesses(dataDir);
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  it(
    '(a) after SIGKILL of a ready launcher, the next start stops what it left and has the job',
    async () => {
      const first = launch();
      await first.waitForLine(/\[start\] ready in/, READY_TIMEOUT_MS);
      // A new data folder gets an admin key: printed once, kept in a file only its owner reads.
      const keyFile = path.join(dataDir, 'admin-key');
      const adminKey = (await fs.promises.readFile(keyFile, 'utf8')).trim();
      expect(adminKey).toMatch(/^ejk_[A-Za-z0-9_-]{43}$/);
      expect((await fs.promises.stat(keyFile)).mode & 0o777).toBe(0o600);
      expect(first.output()).toContain(adminKey);
      api = new ApiClient(api.baseUrl, adminKey);
      expect((await new ApiClient(api.baseUrl, null).request('GET', '/jobs')).status).toBe(401);
      // Right after ready, a loaded machine can still answer 503 (Kafka send timeout): submit until accepted.
      jobId = await eventually(
        'the job to be accepted',
        () => api.submitScrape('http://127.0.0.1:9/nothing-here'),
        60_000,
      );
      await expectJobStillThere();
      await first.killHard();
      // Services may die on their own once their output pipe is gone; PostgreSQL and Kafka do not.
      expect(leftoverKinds()).toEqual(expect.arrayContaining(['postgres', 'kafka']));

      holder = launch();
      await holder.waitForLine(/an earlier run left .*postgres pid .*; stopping them/, READY_TIMEOUT_MS);
      await holder.waitForLine(/\[start\] ready in/, READY_TIMEOUT_MS);
      await expectJobStillThere();
      // The second start keeps the key (and does not print it again).
      expect(holder.output()).not.toContain(adminKey);
      expect(holder.output()).toContain(`admin key: in ${keyFile}`);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    '(e) a second start on the folder in use exits at once, non-zero, naming folder and pid',
    async () => {
      const intruder = launch();
      const exit = await intruder.waitForExit(30_000);
      expect(exit.code).toBe(1);
      expect(intruder.output()).toContain(
        `data folder ${dataDir} is in use by another npm start (pid ${holder.pid})`,
      );
      expect(holder.exit).toBeUndefined();
      const ready = await api.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    '(c) SIGKILL while the launcher is shutting down leaves a folder the next start uses',
    async () => {
      holder.signal('SIGTERM');
      await holder.waitForLine(/SIGTERM: stopping/, 10_000);
      await holder.killHard();
    },
    CASE_TIMEOUT_MS,
  );

  it(
    '(b, d) SIGKILL during start-up, twice in a row, then a start that comes up with the job',
    async () => {
      const earlier = new Set(findLeftoverProcesses(dataDir).map((leftover) => leftover.pid));
      const oncePostgresIsUp = launch();
      await eventually(
        'the new start to have its own PostgreSQL up',
        () =>
          findLeftoverProcesses(dataDir).some(
            (leftover) => leftover.kind === 'postgres' && !earlier.has(leftover.pid),
          ) || undefined,
        READY_TIMEOUT_MS,
      );
      await oncePostgresIsUp.killHard();

      const onceMigrated = launch();
      await onceMigrated.waitForLine(/migrations applied/, READY_TIMEOUT_MS);
      await onceMigrated.killHard();

      const last = launch();
      await last.waitForLine(/\[start\] ready in/, READY_TIMEOUT_MS);
      await expectJobStillThere();
      last.signal('SIGTERM');
      const exit = await last.waitForExit(120_000);
      expect(exit.code).toBe(143);
      expect(findLeftoverProcesses(dataDir)).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'launcher.pid'))).toBe(false);
    },
    CASE_TIMEOUT_MS,
  );
});
