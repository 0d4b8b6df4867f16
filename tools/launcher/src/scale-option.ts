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

/** The most Kafka nodes `--brokers` starts on one machine. */
export const MAX_LOCAL_BROKERS = 5;

/**
 * Takes `--brokers <n>` (or `--brokers=<n>`) out of the `npm start` arguments: how many local Kafka
 * nodes to run (default 1; from 2 on a KRaft cluster with replicated topics). Returns the count and
 * the other arguments.
 */
export function takeBrokersOption(argv: readonly string[]): { brokers: number; rest: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg !== '--brokers' && !arg.startsWith('--brokers=')) {
      rest.push(arg);
      continue;
    }
    if (value !== undefined) throw new LauncherArgumentError('--brokers is given twice');
    if (arg === '--brokers') {
      value = argv[i + 1] ?? '';
      i += 1;
    } else {
      value = arg.slice('--brokers='.length);
    }
  }
  if (value === undefined) return { brokers: 1, rest };
  const brokers = Number(value);
  if (!/^\d+$/.test(value) || brokers < 1 || brokers > MAX_LOCAL_BROKERS) {
    throw new LauncherArgumentError(
      `--brokers: ${JSON.stringify(value)} is not a count of Kafka nodes from 1 to ${MAX_LOCAL_BROKERS} (e.g. --brokers 3)`,
    );
  }
  return { brokers, rest };
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
        `unknown argument ${JSON.stringify(arg)}; usage: npm start -- [--brokers 3] [--scale scraper=3,ocr=2]`,
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
