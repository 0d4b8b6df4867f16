import { Module, type DynamicModule } from '@nestjs/common';
import { JOB_CATALOG } from '@app/contracts';
import { KafkaRuntime, PlatformMetrics, workerOpsModule, StageHost, type Logger } from '@app/platform';
import { RiskWorkerPool } from './compute/risk-worker-pool';
import { RiskExecutor } from './risk-executor';
import type { RiskConfig } from './risk.config';

/** Bumped whenever the numbers a risk job yields could change; recorded on every event. */
export const RISK_STAGE_VERSION = 'risk@1';

@Module({})
export class RiskModule {
  static register(config: RiskConfig, logger: Logger): DynamicModule {
    const metrics = new PlatformMetrics('risk');
    const kafka = new KafkaRuntime(config.kafka, logger, metrics);
    const pool = new RiskWorkerPool({ threads: config.threads });
    return {
      module: RiskModule,
      imports: [workerOpsModule(metrics, kafka)],
      providers: [
        {
          provide: StageHost,
          useFactory: () =>
            new StageHost(
              {
                stage: JOB_CATALOG.risk.stage,
                stageVersion: RISK_STAGE_VERSION,
                jobType: 'risk',
                eventsTopic: JOB_CATALOG.risk.eventsTopic,
              },
              config.stage,
              config.groupId,
              new RiskExecutor(pool),
              kafka,
              logger,
              () => pool.close(),
            ),
        },
      ],
    };
  }
}
