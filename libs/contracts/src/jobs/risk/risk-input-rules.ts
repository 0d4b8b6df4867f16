import { RISK_LIMITS } from './risk-input';

/*
 * Cross-field rules of the risk input that do not fit a single-field decorator. Kept free of
 * class-validator so the calculator (inside a worker thread) can re-check the same rules
 * defensively, e.g. for events replayed from before validation existed.
 */

/** At most this many problems are spelled out in one message. */
const MAX_REPORTED_PROBLEMS = 10;

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** `returns.AAPL`, or `returns["BRK.B"]` when the symbol is not a plain identifier. */
export function returnsPath(symbol: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(symbol) ? `returns.${symbol}` : `returns[${JSON.stringify(symbol)}]`;
}

/** Unique string symbols of the positions, in order; `null` when `positions` is not an array. */
function positionSymbols(positions: unknown): string[] | null {
  if (!Array.isArray(positions)) return null;
  const symbols = new Set<string>();
  for (const position of positions as unknown[]) {
    if (typeof position === 'object' && position !== null) {
      const symbol = (position as { symbol?: unknown }).symbol;
      if (typeof symbol === 'string' && symbol.length > 0) symbols.add(symbol);
    }
  }
  return [...symbols];
}

/** Most frequent value; ties go to the one seen first. */
function modeOf(values: number[]): number {
  const counts = new Map<number, number>();
  let best = values[0];
  let bestCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Every problem of `returns` relative to `positions`, each naming its path. Empty when valid.
 * Exported for reuse (e.g. by the calculator's defensive checks) and for tests.
 */
export function findReturnsProblems(returns: unknown, positions: unknown): string[] {
  if (typeof returns !== 'object' || returns === null || Array.isArray(returns)) return []; // reported by @IsObject
  const series = returns as Record<string, unknown>;
  const problems: string[] = [];
  const symbols = positionSymbols(positions);

  if (symbols !== null) {
    for (const symbol of symbols) {
      if (!hasOwn(series, symbol)) {
        problems.push(`${returnsPath(symbol)} is missing: every position's symbol needs a return series`);
      }
    }
  }
  const wanted = symbols === null ? null : new Set(symbols);
  const lengths: { key: string; length: number }[] = [];
  for (const key of Object.keys(series)) {
    const path = returnsPath(key);
    if (wanted !== null && !wanted.has(key)) {
      problems.push(`${path} does not belong to any position; remove it`);
      continue;
    }
    const values = series[key];
    if (!Array.isArray(values)) {
      problems.push(`${path} must be an array of daily returns`);
      continue;
    }
    const list = values as unknown[];
    let bad = -1;
    let badCount = 0;
    for (let i = 0; i < list.length; i++) {
      const value = list[i];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        if (bad < 0) bad = i;
        badCount++;
      }
    }
    if (bad >= 0) {
      const more = badCount > 1 ? ` (${badCount} values are not)` : '';
      problems.push(`${path}[${bad}] must be a finite number${more}`);
    }
    if (list.length < RISK_LIMITS.minObservations) {
      problems.push(`${path} must have at least ${RISK_LIMITS.minObservations} values (has ${list.length})`);
    } else if (list.length > RISK_LIMITS.maxObservations) {
      problems.push(`${path} must have at most ${RISK_LIMITS.maxObservations} values (has ${list.length})`);
    } else {
      lengths.push({ key, length: list.length });
    }
  }
  if (lengths.length > 1) {
    const common = modeOf(lengths.map((entry) => entry.length));
    for (const { key, length } of lengths) {
      if (length !== common) {
        problems.push(
          `${returnsPath(key)} must have ${common} values like the other series (has ${length}); all series must have equal length`,
        );
      }
    }
  }
  return problems;
}

/** Joins problems into one message, spelling out at most the first ten. */
export function summariseProblems(problems: string[]): string {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).join('; ');
  const hidden = problems.length - MAX_REPORTED_PROBLEMS;
  return hidden > 0 ? `${shown}; and ${hidden} more problem(s)` : shown;
}
