import { callGateway, cliApiKey, GatewayUnreachableError } from './admin-api';
import { KEYS_USAGE, parseKeysArguments, type KeysCommand } from './keys-arguments';

/**
 * `npm run keys -- create|list|revoke ...`: manages API keys through the running gateway's
 * `/admin/keys` (so the CLI and the API behave the same), and prints its answer. The gateway checks
 * the fields; a created key's secret is printed this once.
 */
async function main(): Promise<number> {
  let parsed: KeysCommand;
  let key: string;
  try {
    parsed = parseKeysArguments(process.argv.slice(2), process.env);
    key = cliApiKey(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${KEYS_USAGE}\n`);
    return 64;
  }
  const request =
    parsed.command === 'create'
      ? { method: 'POST', route: '/admin/keys', body: parsed.body }
      : parsed.command === 'list'
        ? {
            method: 'GET',
            route: `/admin/keys${parsed.tenant ? `?tenant=${encodeURIComponent(parsed.tenant)}` : ''}`,
          }
        : { method: 'DELETE', route: `/admin/keys/${encodeURIComponent(parsed.id)}` };
  try {
    const answer = await callGateway(parsed.gatewayUrl, key, request.method, request.route, request.body);
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
