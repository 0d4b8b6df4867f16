import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from './run-command';

export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  pgCtl: string;
  postgres: string;
}

function fromDir(binDir: string): PostgresBinaries | undefined {
  const binaries = {
    binDir,
    initdb: path.join(binDir, 'initdb'),
    pgCtl: path.join(binDir, 'pg_ctl'),
    postgres: path.join(binDir, 'postgres'),
  };
  return [binaries.initdb, binaries.pgCtl, binaries.postgres].every((file) => fs.existsSync(file))
    ? binaries
    : undefined;
}

/**
 * The machine's PostgreSQL server programs: `initdb` found on PATH (symlinks followed, so pg_ctl and
 * postgres come from the same installation), else the newest /usr/lib/postgresql/<major>/bin.
 */
export function findPostgresBinaries(): PostgresBinaries {
  const onPath = findOnPath('initdb');
  if (onPath) {
    const found = fromDir(path.dirname(fs.realpathSync(onPath)));
    if (found) return found;
  }
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const found = fromDir(path.join(root, major, 'bin'));
    if (found) return found;
  }
  throw new Error(
    'PostgreSQL server programs (initdb, pg_ctl, postgres) were found neither on PATH nor in ' +
      '/usr/lib/postgresql/*/bin: install them (e.g. `apt-get install postgresql`)',
  );
}
