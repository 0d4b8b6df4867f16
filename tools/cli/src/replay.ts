import { runAdminCli } from './admin-api';
import { parseReplayArguments, REPLAY_USAGE } from './replay-arguments';

/**
 * `npm run replay -- --stage <stage> --from <time|earliest>` or `-- --stage <stage> --job <id>`: asks the
 * running gateway (`POST /admin/replay`) to re-run a stage, and prints its answer. The gateway does the
 * work, so the CLI and the admin API behave the same.
 */
runAdminCli(REPLAY_USAGE, (argv, env) => {
  const { gatewayUrl, body } = parseReplayArguments(argv, env);
  return { gatewayUrl, method: 'POST', route: '/admin/replay', body };
});
