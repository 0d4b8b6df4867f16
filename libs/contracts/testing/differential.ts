import { isDeepStrictEqual } from 'node:util';
import type { ClassConstructor } from 'class-transformer';
import { acceptedInstance } from '../src/fast-validation/fast-validator';
import { setFastValidation, validatePlain } from '../src/validation';
import { combinedMutations, seededRandom, singleMutations, type Mutation } from './mutations';

/**
 * Runs the compiled fast path and the reference (class-transformer + class-validator) over valid values
 * of a DTO and their mutations. The fast path may decline anything (the reference then decides); a
 * mismatch is the fast path accepting what the reference does not accept, or with another instance.
 */

export type Outcome =
  | { kind: 'accepted'; value: unknown }
  | { kind: 'rejected'; errors: unknown }
  | { kind: 'threw'; message: string };

export interface Tally {
  cases: number;
  fastAccepted: number;
  referenceAccepted: number;
  referenceRejected: number;
  mismatches: string[];
}

export function outcomeOf(run: () => { ok: true; value: unknown } | { ok: false; errors: unknown }): Outcome {
  try {
    const result = run();
    return result.ok
      ? { kind: 'accepted', value: result.value }
      : { kind: 'rejected', errors: result.errors };
  } catch (error) {
    return { kind: 'threw', message: error instanceof Error ? error.message : String(error) };
  }
}

export function withoutFastPath<T>(run: () => T): T {
  setFastValidation(false);
  try {
    return run();
  } finally {
    setFastValidation(true);
  }
}

/** Same prototypes (classes), same own properties (undefined ones too), same values (Object.is). */
export function sameStrictly(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

function compare(dto: ClassConstructor<object>, mutation: Mutation, tally: Tally): void {
  tally.cases += 1;
  const candidate = mutation.value;
  const reference = withoutFastPath(() => outcomeOf(() => validatePlain(dto, candidate)));
  if (reference.kind === 'accepted') tally.referenceAccepted += 1;
  else tally.referenceRejected += 1;
  if (typeof candidate !== 'object' || candidate === null) return;
  for (const mode of ['copy', 'share'] as const) {
    const fast = acceptedInstance(dto, candidate, mode);
    if (fast === undefined) continue;
    if (mode === 'copy') tally.fastAccepted += 1;
    if (reference.kind !== 'accepted') {
      tally.mismatches.push(
        `${dto.name} ${mutation.description}: fast (${mode}) accepted, reference ${reference.kind}`,
      );
    } else if (!sameStrictly(fast, reference.value)) {
      tally.mismatches.push(`${dto.name} ${mutation.description}: fast (${mode}) instance differs`);
    }
  }
}

/** Every single mutation of each value, plus `combinedPerValue` seeded combinations of them. */
export function differentialTally(
  dto: ClassConstructor<object>,
  values: readonly unknown[],
  options: { seed: number; combinedPerValue: number },
): Tally {
  const random = seededRandom(options.seed);
  const tally: Tally = {
    cases: 0,
    fastAccepted: 0,
    referenceAccepted: 0,
    referenceRejected: 0,
    mismatches: [],
  };
  for (const value of values) {
    compare(dto, { description: 'valid value', value }, tally);
    for (const mutation of singleMutations(value)) compare(dto, mutation, tally);
    for (const mutation of combinedMutations(value, options.combinedPerValue, random))
      compare(dto, mutation, tally);
  }
  return tally;
}
