/**
 * Installs SIGINT/SIGTERM/SIGHUP handlers that run `stop` once (a second signal forces the exit), so
 * that `npm start` interrupted with Ctrl-C leaves no Kafka, PostgreSQL or service process behind.
 * Returns a function that removes the handlers.
 */
export function stopOnSignals(
  stop: () => Promise<void>,
  log: (line: string) => void = console.error,
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    const code = 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15);
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(code);
    }
    stopping = true;
    log(`${signal}: stopping...`);
    stop().then(
      () => process.exit(code),
      (error: unknown) => {
        log(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(code);
      },
    );
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
