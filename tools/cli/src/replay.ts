import { parseReplayArguments, REPLAY_USAGE } from './replay-arguments';

/**
 * `npm run replay -- --stage <stage> --from <time|earliest>` or `-- --stage <stage> --job <id>`: asks the
 * running gateway (`POST /admin/replay`) to re-run a stage, and prints its answer. The gateway does the
 * work, so the CLI and the admin API behave the same.
 */
async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseReplayArguments(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${REPLAY_USAGE}\n`);
    return 64;
  }
  const url = new URL('/admin/replay', parsed.gatewayUrl);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(parsed.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    process.stderr.write(`cannot reach the gateway at ${url.origin}: ${(error as Error).message}\n`);
    return 69;
  }
  const text = await response.text();
  (response.ok ? process.stdout : process.stderr).write(`${text}\n`);
  return response.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 70;
  },
);
