import type { JobRequestedData, RiskInput } from '@app/contracts';
import { StageFailure, type StageExecutionContext, type StageExecutor } from '@app/platform';
import type { RiskWorkerPool } from './compute/risk-worker-pool';
import { isRiskComputationError } from './domain/risk-computation-error';

/**
 * The risk stage's work: VaR and expected shortfall on a worker thread. The input was validated at the
 * gateway and again when the event was consumed; numeric failures end the job with their code.
 */
export class RiskExecutor implements StageExecutor {
  constructor(private readonly pool: RiskWorkerPool) {}

  async execute(request: JobRequestedData, context: StageExecutionContext): Promise<Record<string, unknown>> {
    try {
      const result = await this.pool.compute(request.input as unknown as RiskInput, context.jobId);
      return { ...result };
    } catch (error) {
      // Same input, same failure: deterministic work is never retried for a computation error.
      if (isRiskComputationError(error)) throw new StageFailure(error.code, error.message, false);
      throw error;
    }
  }
}
