import { gatewayUrlOf } from './admin-api';

/** What `npm run keys -- ...` asks the gateway for. */
export type KeysCommand =
  | {
      command: 'create';
      gatewayUrl: string;
      body: { tenant: string; role: string; expiresAt: string | null };
    }
  | { command: 'list'; gatewayUrl: string; tenant?: string }
  | { command: 'revoke'; gatewayUrl: string; id: string };

export const KEYS_USAGE = `usage: npm run keys -- create --tenant <tenant> --role <admin|member|reader> [--expires-at <ISO time>]
       npm run keys -- list [--tenant <tenant>]
       npm run keys -- revoke <key id>
  every command takes [--gateway <url>] (default $GATEWAY_URL or http://127.0.0.1:3000) and calls the
  gateway's /admin/keys with an admin key: $EVENT_JOBS_API_KEY, $EVENT_JOBS_ADMIN_KEY, or the data
  folder's admin-key file that npm start wrote`;

/** Parses the keys CLI's arguments; throws an Error whose message names the bad one. */
export function parseKeysArguments(argv: string[], env: NodeJS.ProcessEnv): KeysCommand {
  const [name, ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const allowed: Record<string, string[]> = {
    create: ['--tenant', '--role', '--expires-at', '--gateway'],
    list: ['--tenant', '--gateway'],
    revoke: ['--gateway'],
  };
  if (name === undefined || !(name in allowed)) {
    throw new Error(name === undefined ? 'give a command' : `unknown command ${name}`);
  }
  const command = name as KeysCommand['command'];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    if (!allowed[command].includes(arg)) throw new Error(`unknown argument ${arg} for ${command}`);
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
    if (flags.has(arg)) throw new Error(`${arg} given twice`);
    flags.set(arg, value);
    i += 1;
  }
  const gatewayUrl = gatewayUrlOf(flags.get('--gateway'), env);
  if (command === 'revoke') {
    if (positional.length !== 1) throw new Error('revoke takes one key id');
    return { command, gatewayUrl, id: positional[0] };
  }
  if (positional.length > 0) throw new Error(`unexpected argument ${positional[0]}`);
  if (command === 'list')
    return { command, gatewayUrl, ...(flags.has('--tenant') ? { tenant: flags.get('--tenant') } : {}) };
  const tenant = flags.get('--tenant');
  const role = flags.get('--role');
  if (!tenant) throw new Error('--tenant is required');
  if (!role) throw new Error('--role is required');
  return { command, gatewayUrl, body: { tenant, role, expiresAt: flags.get('--expires-at') ?? null } };
}
