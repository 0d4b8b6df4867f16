import { runAdminCli, type AdminCall } from './admin-api';
import { KEYS_USAGE, parseKeysArguments } from './keys-arguments';

/**
 * `npm run keys -- create|list|revoke ...`: manages API keys through the running gateway's
 * `/admin/keys` (so the CLI and the API behave the same), and prints its answer. The gateway checks
 * the fields; a created key's secret is printed this once.
 */
runAdminCli(KEYS_USAGE, (argv, env): AdminCall => {
  const parsed = parseKeysArguments(argv, env);
  const { gatewayUrl } = parsed;
  if (parsed.command === 'create')
    return { gatewayUrl, method: 'POST', route: '/admin/keys', body: parsed.body };
  if (parsed.command === 'list') {
    const query = parsed.tenant ? `?tenant=${encodeURIComponent(parsed.tenant)}` : '';
    return { gatewayUrl, method: 'GET', route: `/admin/keys${query}` };
  }
  return { gatewayUrl, method: 'DELETE', route: `/admin/keys/${encodeURIComponent(parsed.id)}` };
});
