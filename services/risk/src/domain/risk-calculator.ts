import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import {
  RISK_LIMITS,
  type PnlHistogram,
  type RiskInput,
  findReturnsProblems,
  hasOwn,
  summariseProblems,
  RISK_METHODS,
  type RiskMethod,
  type RiskPositionResult,
  type RiskResult,
} from '@app/contracts/plain';
import { historicalVar } from './historical-var';
import { monteCarloVar } from './monte-carlo-var';
import { parametricVar } from './parametric-var';
import { RiskComputationError } from './risk-computation-error';
import { allFinite, sampleCovariance } from './statistics';
import type { TailRisk } from './tail-risk';

/** Below this fraction of the gross exposure the net portfolio value counts as zero (weights are null). */
const ZERO_NET_VALUE = 1e-12;

/**
 * Default Monte Carlo seed of a job: the first 32 bits (big-endian) of sha256(jobId). Deterministic,
 * so a replayed job draws the same paths; reported in the result so it can be passed explicitly.
 */
export function defaultSeed(jobId: string): number {
  return createHash('sha256').update(jobId, 'utf8').digest().readUInt32BE(0);
}

/** The portfolio reduced to distinct symbols (positions on the same symbol are netted). */
export interface PortfolioData {
  symbols: string[];
  /** Net exposure per distinct symbol. */
  exposures: Float64Array;
  /** symbols.length x observations, row-major. */
  returns: Float64Array;
  observations: number;
  portfolioValue: number;
  positions: RiskPositionResult[];
}

/**
 * Computes the VaR / ES of a risk job. Pure apart from the duration measurement; throws
 * RiskComputationError (with a RiskErrorCode) when the input violates the contract or the numbers
 * cannot be computed.
 */
export function computeRisk(input: RiskInput, jobId: string): RiskResult {
  const started = performance.now();
  assertScalars(input);
  const data = preparePortfolio(input);
  const { method, confidence, horizonDays } = input;
  let simulations: number | null = null;
  let seed: number | null = null;
  let histogram: PnlHistogram | null = null;

  let risk: TailRisk;
  if (method === 'historical') {
    const sampled = historicalVar(data.returns, data.exposures, data.observations, confidence, horizonDays);
    risk = sampled;
    histogram = sampled.histogram;
  } else {
    const covariance = sampleCovariance(data.returns, data.symbols.length, data.observations);
    if (!allFinite(covariance)) {
      throw new RiskComputationError('NON_FINITE_RESULT', 'the covariance of the returns overflows');
    }
    if (method === 'parametric') {
      risk = parametricVar(covariance, data.exposures, confidence, horizonDays);
    } else {
      simulations = input.simulations ?? RISK_LIMITS.defaultSimulations;
      seed = input.seed ?? defaultSeed(jobId);
      const sampled = monteCarloVar(covariance, data.exposures, {
        confidence,
        horizonDays,
        simulations,
        seed,
      });
      risk = sampled;
      histogram = sampled.histogram;
    }
  }
  if (!Number.isFinite(risk.var) || !Number.isFinite(risk.expectedShortfall)) {
    throw new RiskComputationError(
      'NON_FINITE_RESULT',
      `${method} VaR/ES is not finite (var=${risk.var}, expectedShortfall=${risk.expectedShortfall})`,
    );
  }
  return {
    method,
    confidence,
    horizonDays,
    portfolioValue: data.portfolioValue,
    var: normaliseZero(risk.var),
    expectedShortfall: normaliseZero(risk.expectedShortfall),
    observations: data.observations,
    simulations,
    seed,
    positions: data.positions,
    pnlHistogram: histogram,
    durationMs: performance.now() - started,
  };
}

/** Exposures, netting by symbol and the returns matrix; checks the series rules again (defence in depth). */
export function preparePortfolio(input: RiskInput): PortfolioData {
  const { positions, returns } = input;
  if (!Array.isArray(positions) || positions.length < RISK_LIMITS.minPositions) {
    throw invalid('positions must be a non-empty array');
  }
  if (positions.length > RISK_LIMITS.maxPositions) {
    throw invalid(`positions must have at most ${RISK_LIMITS.maxPositions} entries`);
  }
  if (typeof returns !== 'object' || returns === null || Array.isArray(returns)) {
    throw invalid('returns must be an object mapping each symbol to its daily returns');
  }
  const problems = findReturnsProblems(returns, positions);
  if (problems.length > 0) throw invalid(summariseProblems(problems));

  const index = new Map<string, number>();
  const symbols: string[] = [];
  const netExposure: number[] = [];
  const exposures: number[] = [];
  let portfolioValue = 0;
  let gross = 0;
  positions.forEach((position, i) => {
    const { symbol, quantity, price } = position;
    if (typeof symbol !== 'string' || symbol.length === 0)
      throw invalid(`positions[${i}].symbol must be a string`);
    if (!Number.isFinite(quantity)) throw invalid(`positions[${i}].quantity must be a finite number`);
    if (!(Number.isFinite(price) && price > 0))
      throw invalid(`positions[${i}].price must be a finite number > 0`);
    const exposure = quantity * price;
    if (!Number.isFinite(exposure)) {
      throw new RiskComputationError(
        'NON_FINITE_EXPOSURE',
        `positions[${i}] exposure quantity * price overflows`,
      );
    }
    exposures.push(exposure);
    portfolioValue += exposure;
    gross += Math.abs(exposure);
    let asset = index.get(symbol);
    if (asset === undefined) {
      asset = symbols.length;
      index.set(symbol, asset);
      symbols.push(symbol);
      netExposure.push(0);
    }
    netExposure[asset] += exposure;
  });
  if (!Number.isFinite(portfolioValue) || !Number.isFinite(gross)) {
    throw new RiskComputationError('NON_FINITE_EXPOSURE', 'the sum of the exposures overflows');
  }
  const netValueIsZero = Math.abs(portfolioValue) <= ZERO_NET_VALUE * gross;

  const k = symbols.length;
  // findReturnsProblems guarantees: one own series per symbol, equal lengths >= minObservations, finite values.
  const observations = returns[symbols[0]].length;
  const matrix = new Float64Array(k * observations);
  for (let i = 0; i < k; i++) {
    if (!hasOwn(returns, symbols[i])) throw invalid(`returns has no series for ${symbols[i]}`);
    matrix.set(returns[symbols[i]], i * observations);
  }
  return {
    symbols,
    exposures: Float64Array.from(netExposure),
    returns: matrix,
    observations,
    portfolioValue,
    positions: positions.map((position, i) => ({
      symbol: position.symbol,
      exposure: exposures[i],
      weight: netValueIsZero ? null : exposures[i] / portfolioValue,
    })),
  };
}

function assertScalars(input: RiskInput): void {
  if (!RISK_METHODS.includes(input.method)) {
    throw invalid(`method must be one of ${RISK_METHODS.join(', ')}, got ${JSON.stringify(input.method)}`);
  }
  const { confidence, horizonDays, simulations, seed } = input;
  if (!(confidence > RISK_LIMITS.minConfidence && confidence < RISK_LIMITS.maxConfidence)) {
    throw invalid(
      `confidence must be strictly between ${RISK_LIMITS.minConfidence} and ${RISK_LIMITS.maxConfidence}`,
    );
  }
  if (!(
    Number.isInteger(horizonDays) &&
    horizonDays >= RISK_LIMITS.minHorizonDays &&
    horizonDays <= RISK_LIMITS.maxHorizonDays
  )) {
    throw invalid(
      `horizonDays must be an integer ${RISK_LIMITS.minHorizonDays}..${RISK_LIMITS.maxHorizonDays}`,
    );
  }
  const isMonteCarlo = input.method === ('monte_carlo' satisfies RiskMethod);
  if (simulations !== undefined && simulations !== null) {
    if (!isMonteCarlo) throw invalid('simulations is only allowed when method is "monte_carlo"');
    if (!(
      Number.isInteger(simulations) &&
      simulations >= RISK_LIMITS.minSimulations &&
      simulations <= RISK_LIMITS.maxSimulations
    )) {
      throw invalid(
        `simulations must be an integer ${RISK_LIMITS.minSimulations}..${RISK_LIMITS.maxSimulations}`,
      );
    }
  }
  if (seed !== undefined && seed !== null) {
    if (!isMonteCarlo) throw invalid('seed is only allowed when method is "monte_carlo"');
    if (!(Number.isSafeInteger(seed) && seed >= RISK_LIMITS.minSeed)) {
      throw invalid(`seed must be an integer ${RISK_LIMITS.minSeed}..${RISK_LIMITS.maxSeed}`);
    }
  }
}

function invalid(message: string): RiskComputationError {
  return new RiskComputationError('INVALID_INPUT', message);
}

/** -0 (e.g. the VaR of an all-zero P&L) is reported as 0. */
function normaliseZero(x: number): number {
  return x === 0 ? 0 : x;
}
