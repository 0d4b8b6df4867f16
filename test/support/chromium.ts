import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's `chromium` package puts the browser here; CHROMIUM_PATH names another one. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

let installing: Promise<string> | undefined;

/**
 * The path of a Chromium for the browser tests, installed from the machine's Debian mirror when it is
 * missing (`apt-get install -y chromium`, as root: CI runs as root; playwright's own browser download is
 * not reachable from here). Fails with what to do when it cannot install. Waits on dpkg's lock, so two
 * test files installing at once do it once.
 */
export function ensureChromium(): Promise<string> {
  installing ??= install();
  return installing;
}

async function install(): Promise<string> {
  const wanted = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
  if (fs.existsSync(wanted)) return wanted;
  if (process.env.CHROMIUM_PATH !== undefined) {
    throw new Error(`CHROMIUM_PATH=${wanted} does not exist`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `The console's browser tests need Chromium at ${DEFAULT_CHROMIUM}: run \`sudo apt-get install -y chromium\` ` +
        '(or set CHROMIUM_PATH to a Chromium or Chrome binary)',
    );
  }
  const started = Date.now();
  console.log(`[chromium] ${DEFAULT_CHROMIUM} missing: apt-get install -y chromium (once per machine)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (...args: string[]) =>
    run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await aptGet('install', '-y', 'chromium');
  } catch {
    // A fresh image has no package lists yet.
    try {
      await aptGet('update');
      await aptGet('install', '-y', 'chromium');
    } catch (error: unknown) {
      const output = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(`apt-get install -y chromium failed; install it by hand:\n${output.slice(-2000)}`);
    }
  }
  if (!fs.existsSync(DEFAULT_CHROMIUM)) {
    throw new Error(`apt-get installed chromium, but ${DEFAULT_CHROMIUM} is not there`);
  }
  console.log(`[chromium] installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return DEFAULT_CHROMIUM;
}
