import 'reflect-metadata';
import { validateEvent } from '../events/event-codec';
import { differentialTally, sameStrictly, withoutFastPath } from '../../testing/differential';
import { DTO_CORPORA } from '../../testing/dto-fixtures';
import { combinedMutations, seededRandom, singleMutations } from '../../testing/mutations';
import { validateWithClassValidator } from '../validation';
import { acceptedInstance } from './fast-validator';
import { whyNoPlan } from './validation-plan';

/*
 * Differential test of the compiled fast path against class-transformer + class-validator, over the
 * valid values of every contract DTO and thousands of deterministic near-misses of them. The fast
 * path may decline anything (the reference then decides); what it must never do is accept what the
 * reference rejects or return an instance other than the reference's.
 */

const SEED = 20250102;
const corpora = DTO_CORPORA.map((corpus) => [corpus.dto.name, corpus] as const);

describe('fast validation vs class-transformer + class-validator', () => {
  it.each(corpora)('%s has a plan', (_, corpus) => {
    expect(whyNoPlan(corpus.dto)).toBeNull();
  });

  it.each(corpora)(
    '%s: the fast path accepts every valid value, with the reference instance',
    (_, corpus) => {
      for (const value of corpus.valid()) {
        const reference = validateWithClassValidator(corpus.dto, value);
        expect(reference.ok).toBe(true);
        const copied = acceptedInstance(corpus.dto, value, 'copy');
        expect(copied).toBeDefined();
        expect(copied).toStrictEqual(reference.ok ? reference.value : undefined);
        expect(acceptedInstance(corpus.dto, value, 'share')).toStrictEqual(copied);
      }
    },
  );

  it.each(corpora)('%s: the fast path accepts no mutation the reference rejects', (_, corpus) => {
    const tally = differentialTally(corpus.dto, corpus.valid(), { seed: SEED, combinedPerValue: 60 });
    expect(tally.mismatches).toEqual([]);
    // The corpus must exercise both sides, or the comparison proves nothing.
    expect(tally.cases).toBeGreaterThan(200);
    expect(tally.referenceRejected).toBeGreaterThan(100);
    expect(tally.fastAccepted).toBeGreaterThan(0);
  });

  it('validateEvent decides and reports exactly as before for mutated events of every type', () => {
    const envelopes = DTO_CORPORA.find((corpus) => corpus.dto.name === 'EventEnvelopeDto');
    const random = seededRandom(SEED + 1);
    const mismatches: string[] = [];
    let accepted = 0;
    let cases = 0;
    for (const event of envelopes?.valid() ?? []) {
      for (const mutation of [...singleMutations(event), ...combinedMutations(event, 40, random)]) {
        cases += 1;
        const before = withoutFastPath(() => outcomeOfEvent(mutation.value));
        const after = outcomeOfEvent(mutation.value);
        if (!sameStrictly(after, before)) mismatches.push(mutation.description);
        if ('ok' in after && after.ok) accepted += 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBeGreaterThan(5000);
    expect(accepted).toBeGreaterThan(100);
  });
});

function outcomeOfEvent(candidate: unknown): ReturnType<typeof validateEvent> | { threw: string } {
  try {
    return validateEvent(candidate);
  } catch (error) {
    return { threw: error instanceof Error ? error.message : String(error) };
  }
}
