import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './run-command';

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/** Parses /etc/passwd-style output of `getent passwd NAME`. */
async function lookupUser(name: string): Promise<ServiceUser | undefined> {
  const result = await runCommand('getent', ['passwd', name], { check: false });
  if (result.code !== 0) return undefined;
  const fields = result.stdout.trim().split(':');
  return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
}

let cached: Promise<ServiceUser | undefined> | undefined;

/**
 * The unprivileged user that runs PostgreSQL when we are root, or undefined when we are not root
 * (then the server simply runs as us).
 *
 * PostgreSQL refuses to start as root. Machines with the Debian packages have a `postgres` user; on
 * others we create a system user `eventjobs` (no home, no login shell) once, which is the least
 * intrusive account that can own the data folder.
 */
export function postgresServiceUser(): Promise<ServiceUser | undefined> {
  cached ??= (async () => {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
    const existing = (await lookupUser('postgres')) ?? (await lookupUser('eventjobs'));
    if (existing) return existing;
    await runCommand('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'eventjobs',
    ]);
    const created = await lookupUser('eventjobs');
    if (!created) throw new Error('useradd eventjobs succeeded but the user cannot be found');
    return created;
  })();
  return cached;
}

/** `[command, args]` that run `command args` as `user` (via runuser) or as ourselves. */
export function asUser(
  user: ServiceUser | undefined,
  command: string,
  args: readonly string[],
): [string, string[]] {
  return user ? ['runuser', ['-u', user.name, '--', command, ...args]] : [command, [...args]];
}

/** chown -R when the folder is not already owned by the user. */
export function chownTree(dir: string, user: ServiceUser): void {
  const visit = (target: string): void => {
    const stat = fs.lstatSync(target);
    if (stat.uid !== user.uid || stat.gid !== user.gid) fs.lchownSync(target, user.uid, user.gid);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(target)) visit(path.join(target, entry));
  };
  const top = fs.statSync(dir);
  if (top.uid === user.uid && top.gid === user.gid) return;
  visit(dir);
}

/**
 * The first ancestor of `target` the user cannot traverse (no execute bit for them), or undefined.
 * A data folder under a private home directory or a 0700 temp folder is unreachable for postgres.
 */
export function firstUntraversableAncestor(target: string, user: ServiceUser): string | undefined {
  let dir = path.dirname(path.resolve(target));
  const chain: string[] = [];
  for (;;) {
    chain.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const ancestor of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(ancestor);
    } catch {
      return undefined; // it will be created by us below an ancestor that was checked
    }
    const mode = stat.mode;
    const canTraverse =
      stat.uid === user.uid
        ? (mode & 0o100) !== 0
        : stat.gid === user.gid
          ? (mode & 0o010) !== 0
          : (mode & 0o001) !== 0;
    if (!canTraverse) return ancestor;
  }
  return undefined;
}
