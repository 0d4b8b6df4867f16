import { Module, type DynamicModule } from '@nestjs/common';
import { JOB_CATALOG } from '@app/contracts';
import {
  KafkaRuntime,
  LOGGER,
  PlatformModule,
  SERVICE_CONFIG,
  StageHost,
  workerOpsModule,
  type Logger,
  type PlatformMetrics,
} from '@app/platform';
import { RiskWorkerPool } from './compute/risk-worker-pool';
import { RiskExecutor } from './risk-executor';
import type { RiskConfig } from './risk.config';

/** Bumped whenever the numbers a risk job yields could change; recorded on every event. */
export const RISK_STAGE_VERSION = 'risk@1';

// Wiring follows the one rule written at the top of libs/platform/src/runtime/nest-wiring.ts.
@Module({})
export class RiskModule {
  static register(config: RiskConfig, logger: Logger, metrics: PlatformMetrics): DynamicModule {
    return {
      module: RiskModule,
      imports: [PlatformModule.forRoot({ config, logger, metrics }), workerOpsModule()],
      providers: [
        {
          provide: RiskWorkerPool,
          useFactory: (c: RiskConfig) => new RiskWorkerPool({ threads: c.threads }),
          inject: [SERVICE_CONFIG],
        },
        {
          provide: StageHost,
          useFactory: (c: RiskConfig, pool: RiskWorkerPool, kafka: KafkaRuntime, log: Logger) =>
            new StageHost(
              {
                stage: JOB_CATALOG.risk.stage,
                stageVersion: RISK_STAGE_VERSION,
                jobType: 'risk',
                eventsTopic: JOB_CATALOG.risk.eventsTopic,
              },
              c.stage,
              c.groupId,
              new RiskExecutor(pool),
              kafka,
              log,
              () => pool.close(),
            ),
          inject: [SERVICE_CONFIG, RiskWorkerPool, KafkaRuntime, LOGGER],
        },
      ],
    };
  }
}
