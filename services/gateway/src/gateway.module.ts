import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { REQUEST_TOPICS, Topics } from '@app/contracts';
import {
  BLOB_STORE,
  blobStoreProvider,
  KafkaRuntime,
  LOGGER,
  OpsModule,
  PlatformModule,
  SERVICE_CONFIG,
  type BlobStore,
  type Logger,
  type PlatformMetrics,
} from '@app/platform';
import {
  createDataSource,
  DocumentQueries,
  JobLogQueries,
  JobQueries,
  JobSubmissions,
} from '@app/read-models';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ReplayAdminController } from './admin/replay/replay-admin.controller';
import { ReplayStageUseCase } from './admin/replay/replay-stage.usecase';
import { DocumentAdmissionGuard } from './admission/admission.guard';
import { admissionProviders } from './admission/admission.providers';
import { BacklogMonitor } from './admission/backlog-monitor';
import { CallerController } from './console/caller.controller';
import { CONSOLE_DIR, ConsoleController, DEFAULT_CONSOLE_DIR } from './console/console.controller';
import { DocumentsController } from './documents/documents.controller';
import { UploadDocumentUseCase } from './documents/usecases/upload-document.usecase';
import type { GatewayConfig } from './gateway.config';
import { multerLimits } from './http/multipart-limits';
import { IdempotencyKeyRepository } from './jobs/idempotency-key.repository';
import { JobSubmissionPruner } from './jobs/job-submission-pruner';
import { JobStreamsController } from './jobs/job-streams.controller';
import { JobsController } from './jobs/jobs.controller';
import { JaegerTraceReader } from './jobs/trace/jaeger-trace-reader';
import { JobTraceController } from './jobs/trace/job-trace.controller';
import { pendingJobRowsProviders } from './jobs/pending-job-rows';
import { CancelJobUseCase } from './jobs/usecases/cancel-job/cancel-job.usecase';
import { RerunJobModule } from './jobs/usecases/rerun-job/rerun-job.module';
import { SubmitJobUseCase } from './jobs/usecases/submit-job/submit-job.usecase';
import { streamsProviders } from './streams/streams.providers';

// Wiring follows the one rule written at the top of libs/platform/src/runtime/nest-wiring.ts.

/** The gateway's pool, initialized before anything that queries it is made. */
const dataSourceProvider: Provider = {
  provide: DataSource,
  useFactory: (config: GatewayConfig) => createDataSource(config.database, 'gateway').initialize(),
  inject: [SERVICE_CONFIG],
};

/**
 * Connects the gateway's producer at start-up and starts sampling the backlog; on shutdown stops the
 * background work, then closes Kafka, then the pool.
 */
@Injectable()
class GatewayConnections implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(BacklogMonitor) private readonly backlog: BacklogMonitor,
    @Inject(JobSubmissionPruner) private readonly pruner: JobSubmissionPruner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect([...REQUEST_TOPICS, Topics.JobsControl]);
    this.backlog.start();
    this.pruner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.backlog.stop();
    await this.pruner.stop();
    await this.kafka.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger, metrics: PlatformMetrics): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.forRoot({ config, logger, metrics }, [dataSourceProvider, blobStoreProvider]),
        MulterModule.register({ limits: multerLimits(config.inputLimits, config.maxUploadBytes) }),
        OpsModule.forProbes({
          inject: [KafkaRuntime, DataSource, BLOB_STORE],
          useFactory: (kafka: KafkaRuntime, dataSource: DataSource, blobs: BlobStore) => ({
            probes: [
              { name: 'kafka', check: () => kafka.ready(2000) },
              { name: 'postgres', check: async () => (await dataSource.query('SELECT 1'), true) },
              { name: 'blobs', check: () => blobs.ready() },
            ],
          }),
        }),
        RerunJobModule,
        AuthModule,
        AdminModule,
      ],
      // JobStreamsController first: its `GET /jobs/stream` must not be taken for `GET /jobs/{id}`.
      controllers: [
        JobStreamsController,
        JobsController,
        JobTraceController,
        DocumentsController,
        ReplayAdminController,
        CallerController,
        ConsoleController,
      ],
      providers: [
        { provide: CONSOLE_DIR, useValue: DEFAULT_CONSOLE_DIR },
        ...admissionProviders,
        DocumentAdmissionGuard,
        { provide: JobQueries, useFactory: (ds: DataSource) => new JobQueries(ds), inject: [DataSource] },
        {
          provide: JobLogQueries,
          useFactory: (ds: DataSource) => new JobLogQueries(ds),
          inject: [DataSource],
        },
        {
          provide: DocumentQueries,
          useFactory: (ds: DataSource) => new DocumentQueries(ds),
          inject: [DataSource],
        },
        ...pendingJobRowsProviders,
        IdempotencyKeyRepository,
        {
          provide: JobSubmissionPruner,
          useFactory: (ds: DataSource, config: GatewayConfig, logger: Logger) =>
            new JobSubmissionPruner(new JobSubmissions(ds), config.submissionRetentionMs, logger),
          inject: [DataSource, SERVICE_CONFIG, LOGGER],
        },
        {
          provide: JaegerTraceReader,
          useFactory: (config: GatewayConfig) =>
            new JaegerTraceReader({ queryUrl: config.jaeger.queryUrl, timeoutMs: config.jaeger.timeoutMs }),
          inject: [SERVICE_CONFIG],
        },
        SubmitJobUseCase,
        CancelJobUseCase,
        UploadDocumentUseCase,
        ReplayStageUseCase,
        GatewayConnections,
        ...streamsProviders,
      ],
    };
  }
}
