/**
 * SQL for a jsonb[] built from parameter `$n`, a JSON array (send `JSON.stringify(values)`), in order.
 * PostgreSQL then parses one JSON document instead of a text array of escaped documents, and pg does
 * not escape each one: for a batch's envelopes, this halves the cost of the statement. Only for values
 * that are never null or undefined (such an element would become jsonb 'null', not SQL NULL).
 */
export const jsonbElements = (n: number): string =>
  `ARRAY(SELECT value FROM jsonb_array_elements($${n}::jsonb) WITH ORDINALITY AS a(value, n) ORDER BY n)`;
