import { gatewayUrlOf } from './admin-api';

/** What `npm run replay -- ...` asks the gateway for. */
export interface ReplayArguments {
  gatewayUrl: string;
  body: { stage: string; from?: string; jobId?: string };
}

export const REPLAY_USAGE = `usage: npm run replay -- --stage <stage> (--from <ISO time|earliest> | --job <job id>) [--gateway <url>]
  --from   re-run the stage for every job since that time (rewinds its consumer groups)
  --job    re-run the stage, and the stages after it, for one finished job (its next run)
  --gateway defaults to $GATEWAY_URL or http://127.0.0.1:3000
  sends an admin key: $EVENT_JOBS_API_KEY, $EVENT_JOBS_ADMIN_KEY, or the data folder's admin-key file`;

/** Parses the replay CLI's arguments; throws an Error whose message names the bad flag. */
export function parseReplayArguments(argv: string[], env: NodeJS.ProcessEnv): ReplayArguments {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (!['--stage', '--from', '--job', '--gateway'].includes(flag))
      throw new Error(`unknown argument ${flag}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    if (flags.has(flag)) throw new Error(`${flag} given twice`);
    flags.set(flag, value);
    i += 1;
  }
  const stage = flags.get('--stage');
  if (!stage) throw new Error('--stage is required');
  const from = flags.get('--from');
  const jobId = flags.get('--job');
  if ((from === undefined) === (jobId === undefined)) throw new Error('give exactly one of --from and --job');
  const gatewayUrl = gatewayUrlOf(flags.get('--gateway'), env);
  return { gatewayUrl, body: { stage, ...(from ? { from } : {}), ...(jobId ? { jobId } : {}) } };
}
