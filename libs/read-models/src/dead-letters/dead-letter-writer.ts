import type { DataSource } from 'typeorm';
import type { DeadLetterEntry, Logger } from '@app/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records dead-letter entries in ops.dead_letters. An entry id seen before (the same message
 * dead-lettered again after a crash, or by another replica) keeps its first record and redrive state.
 */
export class DeadLetterWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** Returns how many entries were new. Throws when PostgreSQL is unavailable (nothing is lost). */
  async record(entries: DeadLetterEntry[]): Promise<number> {
    let inserted = 0;
    for (const entry of entries) {
      try {
        inserted += await this.insert(storable(entry));
      } catch (error) {
        // A value PostgreSQL refuses (data exception, class 22) would fail the batch forever: skip it.
        if (!isDataException(error)) throw error;
        this.logger.warn(
          { deadLetterId: entry.id, err: (error as Error).message },
          'dead-letter entry cannot be stored; skipped',
        );
      }
    }
    return inserted;
  }

  private async insert(entry: DeadLetterEntry): Promise<number> {
    const key = entry.original.key;
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO ops.dead_letters (id, reason, source_topic, source_partition, source_offset, source_group,
         job_id, detail, errors, original, attempts, failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        entry.id,
        entry.reason,
        entry.source.topic,
        entry.source.partition,
        entry.source.offset,
        entry.source.group,
        key !== null && UUID.test(key) ? key.toLowerCase() : null,
        entry.detail,
        JSON.stringify(entry.errors),
        JSON.stringify(entry.original),
        entry.attempts,
        entry.failedAt,
      ],
    );
    return rows.length;
  }
}

/**
 * PostgreSQL text and jsonb cannot hold NUL (nor jsonb a lone surrogate): a text value with NUL is kept
 * exactly as base64, and NUL or a lone surrogate in the descriptive fields (detail, errors, key, headers)
 * becomes U+FFFD.
 */
function storable(entry: DeadLetterEntry): DeadLetterEntry {
  const { original } = entry;
  const value =
    original.valueEncoding === 'utf8' && original.value?.includes('\u0000')
      ? { value: Buffer.from(original.value, 'utf8').toString('base64'), valueEncoding: 'base64' as const }
      : { value: original.value, valueEncoding: original.valueEncoding };
  return {
    ...entry,
    detail: withoutNul(entry.detail),
    errors: entry.errors.map((e) => ({ path: withoutNul(e.path), message: withoutNul(e.message) })),
    original: {
      key: original.key === null ? null : withoutNul(original.key),
      ...value,
      headers: Object.fromEntries(
        Object.entries(original.headers).map(([name, header]) => [withoutNul(name), withoutNul(header)]),
      ),
    },
  };
}

/** NUL and lone UTF-16 surrogates (which jsonb refuses: an `errors` path may name a bad key) become U+FFFD. */
const withoutNul = (text: string): string =>
  (text as unknown as { toWellFormed(): string }).toWellFormed().replaceAll('\u0000', '\uFFFD');

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
