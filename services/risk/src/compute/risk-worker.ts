import type { RiskInput, RiskErrorCode, RiskResult } from '@app/contracts/plain';
import { computeRisk } from '../domain/risk-calculator';
import { isRiskComputationError } from '../domain/risk-computation-error';

/** A task for the risk worker: plain data, structured-cloneable. */
export interface RiskWorkerRequest {
  input: RiskInput;
  jobId: string;
}

/**
 * The worker's answer. Expected failures travel as data because errors crossing a worker boundary
 * are structured-cloned, which keeps `message` but drops custom properties such as `code`.
 */
export type RiskWorkerResponse =
  { ok: true; result: RiskResult } | { ok: false; error: { code: RiskErrorCode; message: string } };

/**
 * Piscina worker entry (default export; runs inside a worker thread). Unexpected exceptions (bugs) are
 * rethrown and reject the pool's promise as plain errors.
 */
export default function runRiskTask(request: RiskWorkerRequest): RiskWorkerResponse {
  try {
    return { ok: true, result: computeRisk(request.input, request.jobId) };
  } catch (error: unknown) {
    if (isRiskComputationError(error))
      return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}
