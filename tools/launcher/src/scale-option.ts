import { DOCUMENT_STAGES } from '@app/contracts';

/** What `--scale` can name: the consumer-group services and each document stage. */
export const SCALABLE = ['scraper', 'risk', 'projector', 'documents', ...DOCUMENT_STAGES] as const;
export type Scalable = (typeof SCALABLE)[number];

export type ScaleCounts = Partial<Record<Scalable, number>>;

/** A bad `--scale` (or other command-line) value; the message names the flag. */
export class LauncherArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LauncherArgumentError';
  }
}

/**
 * Reads `npm start` arguments: `--scale scraper=3,ocr=2` (or `--scale=...`, repeatable). A count is
 * 0 (do not run it) up to the partitions per topic: more consumers than partitions would sit idle.
 */
export function parseLauncherArgs(argv: readonly string[], maxReplicas: number): ScaleCounts {
  const counts: ScaleCounts = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    let value: string | undefined;
    if (arg === '--scale') {
      value = argv[i + 1];
      i += 1;
      if (value === undefined || value.startsWith('--')) {
        throw new LauncherArgumentError('--scale needs a value like scraper=3,ocr=2');
      }
    } else if (arg.startsWith('--scale=')) {
      value = arg.slice('--scale='.length);
    } else {
      throw new LauncherArgumentError(
        `unknown argument ${JSON.stringify(arg)}; usage: npm start -- [--scale scraper=3,ocr=2]`,
      );
    }
    for (const entry of value.split(',')) parseEntry(entry.trim(), counts, maxReplicas);
  }
  return counts;
}

function parseEntry(entry: string, counts: ScaleCounts, maxReplicas: number): void {
  const match = /^([a-z]+)=(\d+)$/.exec(entry);
  if (!match) {
    throw new LauncherArgumentError(
      `--scale: ${JSON.stringify(entry)} is not <name>=<count> (e.g. scraper=3)`,
    );
  }
  const [, name, countText] = match;
  if (!(SCALABLE as readonly string[]).includes(name)) {
    const why = name === 'gateway' ? ' (the gateway listens on one GATEWAY_PORT)' : '';
    throw new LauncherArgumentError(`--scale: ${name} cannot be scaled${why}; one of ${SCALABLE.join(', ')}`);
  }
  const count = Number(countText);
  if (!Number.isSafeInteger(count) || count > maxReplicas) {
    throw new LauncherArgumentError(
      `--scale: ${name}=${countText} is over ${maxReplicas}, the partitions per topic (extra consumers would sit idle)`,
    );
  }
  if (counts[name as Scalable] !== undefined)
    throw new LauncherArgumentError(`--scale: ${name} is given twice`);
  counts[name as Scalable] = count;
}
