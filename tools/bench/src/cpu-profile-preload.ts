/*
 * Preloaded into a service by `npm run bench -- gateway` when BENCH_CPU_PROFILE is set
 * (`NODE_OPTIONS=--require <this file>`): the first SIGWINCH starts the V8 CPU profiler, the second stops it
 * and writes the profile to the file BENCH_CPU_PROFILE names. A signal, not `--cpu-prof`, because the services end by
 * re-raising SIGTERM after their shutdown hooks, and a process killed by a signal writes no `--cpu-prof`.
 * SIGWINCH because Nest's shutdown hooks take SIGUSR2 (and most others); its default action is to ignore it.
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector';

const target = process.env.BENCH_CPU_PROFILE;
if (target) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGWINCH', () => {
    running = !running;
    if (running) {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')),
      );
      return;
    }
    session.post('Profiler.stop', (error, result) => {
      if (error) process.stderr.write(`cpu profile: ${error.message}\n`);
      else fs.writeFileSync(target, JSON.stringify(result.profile));
    });
  });
}
