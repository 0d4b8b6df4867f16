import { ConfigError } from '../config/env-reader';

/**
 * Entry point wrapper for every service: a configuration problem prints the variables at fault and
 * exits 1; any other start-up failure is logged and exits 1 (a supervisor restarts us).
 */
export function runService(name: string, start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', service: name, msg: 'start-up failed', err: detail })}\n`,
      );
    }
    process.exit(1);
  });
}
