import { callGateway, cliApiKey, GatewayUnreachableError } from './admin-api';
import { parseReplayArguments, REPLAY_USAGE } from './replay-arguments';

/**
 * `npm run replay -- --stage <stage> --from <time|earliest>` or `-- --stage <stage> --job <id>`: asks the
 * running gateway (`POST /admin/replay`) to re-run a stage, and prints its answer. The gateway does the
 * work, so the CLI and the admin API behave the same.
 */
async function main(): Promise<number> {
  let parsed;
  let key: string;
  try {
    parsed = parseReplayArguments(process.argv.slice(2), process.env);
    key = cliApiKey(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${REPLAY_USAGE}\n`);
    return 64;
  }
  try {
    const answer = await callGateway(parsed.gatewayUrl, key, 'POST', '/admin/replay', parsed.body);
    (answer.ok ? process.stdout : process.stderr).write(`${answer.text}\n`);
    return answer.ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof GatewayUnreachableError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 69;
  }
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
