import type { RiskErrorCode } from '@app/contracts/plain';

export type { RiskErrorCode };

/**
 * A risk computation that cannot produce a meaningful number. The job ends FAILED with
 * `error.code = code` (see `RiskErrorCode` for what each code means). Any other exception escaping
 * the calculator is a bug, not a property of the input.
 */
export class RiskComputationError extends Error {
  override readonly name = 'RiskComputationError';

  constructor(
    readonly code: RiskErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isRiskComputationError(error: unknown): error is RiskComputationError {
  return error instanceof RiskComputationError;
}
