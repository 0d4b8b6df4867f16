import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultDataDir } from '@app/stack';

/** The admin key file `npm start` writes into a new data folder (see tools/launcher/src/services.ts). */
const ADMIN_KEY_FILE = 'admin-key';

/**
 * The key a CLI sends: `$EVENT_JOBS_API_KEY`, else `$EVENT_JOBS_ADMIN_KEY`, else the admin key
 * `npm start` wrote into the data folder. Throws a message saying where it looked.
 */
export function cliApiKey(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.EVENT_JOBS_API_KEY?.trim() || env.EVENT_JOBS_ADMIN_KEY?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(defaultDataDir(env), ADMIN_KEY_FILE);
  try {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key) return key;
  } catch {
    // Reported below with the other places.
  }
  throw new Error(
    `no API key: set EVENT_JOBS_API_KEY (or EVENT_JOBS_ADMIN_KEY), or start once with npm start (it writes ${file})`,
  );
}

/** Calls the gateway with the key; answers the status and the body's text. Exit codes as sysexits. */
export async function callGateway(
  gatewayUrl: string,
  key: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ ok: boolean; status: number; text: string }> {
  const url = new URL(route, gatewayUrl);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new GatewayUnreachableError(
      `cannot reach the gateway at ${url.origin}: ${(error as Error).message}`,
    );
  }
  return { ok: response.ok, status: response.status, text: await response.text() };
}

export class GatewayUnreachableError extends Error {}

/** `--gateway <url>`, else $GATEWAY_URL, else the local default; throws when it is not a URL. */
export function gatewayUrlOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const gatewayUrl = flag ?? env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
  try {
    new URL(gatewayUrl);
  } catch {
    throw new Error(`--gateway ${gatewayUrl} is not a URL`);
  }
  return gatewayUrl;
}

/** One admin call a CLI makes: where, and what to send. */
export interface AdminCall {
  gatewayUrl: string;
  method: string;
  route: string;
  body?: unknown;
}

/**
 * Runs an admin CLI: parses its arguments (`parse` throws a message naming the bad one), sends the call
 * with the CLI's key, prints the gateway's answer, and sets the exit code as sysexits: 64 bad usage,
 * 69 gateway unreachable, 70 anything else, 1 an error answer, 0 success.
 */
export function runAdminCli(
  usage: string,
  parse: (argv: string[], env: NodeJS.ProcessEnv) => AdminCall,
): void {
  const main = async (): Promise<number> => {
    let call: AdminCall;
    let key: string;
    try {
      call = parse(process.argv.slice(2), process.env);
      key = cliApiKey(process.env);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n${usage}\n`);
      return 64;
    }
    try {
      const answer = await callGateway(call.gatewayUrl, key, call.method, call.route, call.body);
      (answer.ok ? process.stdout : process.stderr).write(`${answer.text}\n`);
      return answer.ok ? 0 : 1;
    } catch (error) {
      if (!(error instanceof GatewayUnreachableError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 69;
    }
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
