/*
 * Test builders of the contracts library (`@app/contracts/testing`): for specs and benchmarks only, never
 * compiled by the production build (tsconfig.build.json).
 */

// Valid events, one builder per type
export {
  FIXED_TIME,
  jobRequested,
  oneOfEachType,
  scrapeResult,
  stageAttemptFailed,
  stageCompleted,
  stageFailed,
  stageLogged,
  stageProgressed,
  stageRetryScheduled,
  stageStarted,
} from './event-fixtures';

// Valid and invalid DTO payloads, per DTO
export { DTO_CORPORA, riskInputs, riskResults, type DtoCorpus } from './dto-fixtures';

// Seeded mutations of valid payloads
export { combinedMutations, oddValues, seededRandom, singleMutations, type Mutation } from './mutations';

// The fast validation path checked against class-validator
export {
  differentialTally,
  outcomeOf,
  sameStrictly,
  withoutFastPath,
  type Outcome,
  type Tally,
} from './differential';
export { whyNoPlan } from '../src/fast-validation/validation-plan';
