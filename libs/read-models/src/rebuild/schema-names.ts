/** A PostgreSQL identifier, quoted. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `20261125T120000123` -> usable in a schema name (lower case, digits). */
const stamp = (date: Date): string => date.toISOString().replace(/\D/g, '').slice(0, 17);

/** The schemas of the rebuild started at `startedAt`: the one it fills and the name `public` retires to. */
export function rebuildSchemaNames(startedAt: Date): { shadow: string; retired: string } {
  return { shadow: `rebuild_${stamp(startedAt)}`, retired: `retired_${stamp(startedAt)}` };
}
