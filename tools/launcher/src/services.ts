import * as path from 'node:path';
import { ProcessSupervisor, repoRoot, runCommand, waitFor, type ManagedProcess } from '@app/stack';

/** The platform's services and their compiled entry points (under dist/). */
export const SERVICE_ENTRIES = {
  gateway: 'services/gateway/src/main.js',
  scraper: 'services/scraper/src/main.js',
  projector: 'services/projector/src/main.js',
  risk: 'services/risk/src/main.js',
  documents: 'services/documents/src/main.js',
} as const;

export type ServiceName = keyof typeof SERVICE_ENTRIES;
export const ALL_SERVICES = Object.keys(SERVICE_ENTRIES) as ServiceName[];

export function distPath(relative: string): string {
  return path.join(repoRoot(), 'dist', relative);
}

/** Applies pending read-model migrations (the projector's `migrate` entry) and waits for it. */
export async function migrateDatabase(env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runCommand(process.execPath, [distPath('services/projector/src/migrate.js')], {
    env,
    check: false,
    timeoutMs: 60_000,
  });
  if (result.code !== 0) throw new Error(`migrations failed:\n${result.stderr || result.stdout}`);
}

/** Where `npm start` keeps the admin key it created for a new data folder (mode 0600). */
export const ADMIN_KEY_FILE = 'admin-key';

/**
 * On a database without any API key, creates the first admin key and writes it to the data folder's
 * ADMIN_KEY_FILE; returns that file's path when it did, null otherwise.
 */
export async function createFirstAdminKey(env: NodeJS.ProcessEnv, dataDir: string): Promise<string | null> {
  const file = path.join(dataDir, ADMIN_KEY_FILE);
  const result = await runCommand(
    process.execPath,
    [distPath('tools/launcher/src/first-admin-key.js'), file],
    {
      env,
      check: false,
      timeoutMs: 60_000,
    },
  );
  if (result.code !== 0)
    throw new Error(`could not create the first admin key:\n${result.stderr || result.stdout}`);
  const answer = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { created?: boolean };
  return answer.created ? file : null;
}

/** The supervisor (and log) name of a service's replica: `scraper`, or `scraper#2`. */
export function replicaName(service: string, replica?: number): string {
  return replica === undefined ? service : `${service}#${replica}`;
}

/*
 * Services run without --enable-source-maps: Node then parses and keeps the map of every module it
 * loads, about 20 MB of resident memory per service (measured on the risk service idle), and maps every
 * stack trace a log line prints. Stack traces name the compiled files under dist/ (tsc keeps them close
 * to the sources); `NODE_OPTIONS=--enable-source-maps npm start` maps them to the TypeScript sources.
 */

/**
 * V8 flags per service. The risk and documents processes mostly wait: their heavy work runs in worker
 * threads (VaR kernels, OCR in WebAssembly), and while other job types flow they only pass over
 * requests. V8's default young generation (two 16 MB semi-spaces, grown to full size by start-up
 * alone) is then memory held for nothing: 4 MB semi-spaces keep an idle risk service at 113 MB
 * instead of 136 MB. The gateway, the scraper and the projector allocate per request and keep the
 * default, so their scavenges stay rare.
 */
const NODE_FLAGS: Partial<Record<ServiceName, readonly string[]>> = {
  risk: ['--max-semi-space-size=4'],
  documents: ['--max-semi-space-size=4'],
};

function nodeArgs(service: ServiceName): string[] {
  return [...(NODE_FLAGS[service] ?? []), distPath(SERVICE_ENTRIES[service])];
}

/**
 * Starts one process of a service under the supervisor (name `service`, or `service#N` for a
 * replica, which also gets its own Kafka client id `service-N`).
 */
export function startService(
  supervisor: ProcessSupervisor,
  service: ServiceName,
  env: NodeJS.ProcessEnv,
  replica?: number,
  logFile?: string,
): ManagedProcess {
  return supervisor.spawn({
    name: replicaName(service, replica),
    command: process.execPath,
    args: nodeArgs(service),
    env: replica === undefined ? env : { ...env, KAFKA_CLIENT_ID: `${service}-${replica}` },
    logFile,
  });
}

/** Starts a process of `npm start`'s plan under its own name and environment. */
export function startPlannedProcess(
  supervisor: ProcessSupervisor,
  planned: { name: string; service: ServiceName; env: Record<string, string> },
  env: NodeJS.ProcessEnv,
): ManagedProcess {
  return supervisor.spawn({
    name: planned.name,
    command: process.execPath,
    args: nodeArgs(planned.service),
    env: { ...env, ...planned.env },
  });
}

/** Resolves once `GET /health/ready` answers 200. */
export async function waitForGatewayReady(
  baseUrl: string,
  timeoutMs: number,
  abort?: () => string | undefined,
): Promise<void> {
  await waitFor(
    async () => {
      const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(3000) });
      return response.status === 200 ? true : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `gateway ready at ${baseUrl}`, abort },
  );
}
