import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { REQUEST_TOPICS, Topics } from '@app/contracts';
import { createBlobStore, KafkaRuntime, OpsModule, PlatformMetrics, type Logger } from '@app/platform';
import {
  createDataSource,
  DocumentQueries,
  JobQueries,
  JobRunQueries,
  JobSubmissions,
} from '@app/read-models';
import { DocumentsController } from './documents/documents.controller';
import { UploadDocumentUseCase } from './documents/usecases/upload-document.usecase';
import { AdminModule } from './admin/admin.module';
import { ReplayAdminController } from './admin/replay/replay-admin.controller';
import { ReplayStageUseCase } from './admin/replay/replay-stage.usecase';
import { RerunJobUseCase } from './jobs/usecases/rerun-job/rerun-job.usecase';
import { AdmissionControl } from './admission/admission-control';
import { DocumentAdmissionGuard } from './admission/admission.guard';
import { BacklogMonitor } from './admission/backlog-monitor';
import { backlogSources } from './admission/backlog-sources';
import type { GatewayConfig } from './gateway.config';
import { multerLimits } from './http/multipart-limits';
import { JobSubmissionPruner } from './jobs/job-submission-pruner';
import { PendingJobRows } from './jobs/pending-job-rows';
import { IdempotencyKeyRepository } from './jobs/idempotency-key.repository';
import { JobsController } from './jobs/jobs.controller';
import { CancelJobUseCase } from './jobs/usecases/cancel-job/cancel-job.usecase';
import { SubmitJobUseCase } from './jobs/usecases/submit-job/submit-job.usecase';

/**
 * Connects the gateway's producer at start-up and starts sampling the backlog; closes its
 * connections on shutdown.
 */
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
    const kafka = new KafkaRuntime(config.kafka, logger, metrics);
    const dataSource = createDataSource(config.database, 'gateway');
    const blobs = createBlobStore(config.blobs);
    // The pool is initialized before requests are served (the DataSource provider below).
    const rerunJob = new RerunJobUseCase(kafka.publisher, new JobRunQueries(dataSource), dataSource, logger);
    const backlog = new BacklogMonitor(
      kafka.consumerGroups,
      backlogSources(config.admission.groupIds),
      config.admission.pollMs,
      metrics,
      logger.child({ component: 'admission' }),
      Date.now,
      config.admission.idlePollMs,
    );
    const admission = new AdmissionControl(
      backlog,
      {
        maxLag: config.admission.maxLag,
        staleAfterMs: config.admission.staleAfterMs,
        fallbackRetryAfterSeconds: config.retryAfterSeconds,
      },
      metrics,
    );
    return {
      module: GatewayModule,
      imports: [
        MulterModule.register({ limits: multerLimits(config.inputLimits, config.maxUploadBytes) }),
        OpsModule.register({
          metrics,
          probes: [
            { name: 'kafka', check: () => kafka.ready(2000) },
            { name: 'postgres', check: async () => (await dataSource.query('SELECT 1'), true) },
            { name: 'blobs', check: () => blobs.ready() },
          ],
        }),
        AdminModule.register({
          projectorAdminUrl: config.projectorAdminUrl,
          dataSource,
          publisher: kafka.publisher,
          logger,
          rerunJob,
          consumerGroups: kafka.consumerGroups,
        }),
      ],
      controllers: [JobsController, DocumentsController, ReplayAdminController],
      providers: [
        { provide: KafkaRuntime, useValue: kafka },
        { provide: PlatformMetrics, useValue: metrics },
        { provide: BacklogMonitor, useValue: backlog },
        { provide: AdmissionControl, useValue: admission },
        DocumentAdmissionGuard,
        { provide: DataSource, useFactory: async () => dataSource.initialize() },
        { provide: JobQueries, useFactory: (ds: DataSource) => new JobQueries(ds), inject: [DataSource] },
        {
          provide: IdempotencyKeyRepository,
          useFactory: (ds: DataSource) => new IdempotencyKeyRepository(ds),
          inject: [DataSource],
        },
        {
          provide: SubmitJobUseCase,
          useFactory: (keys: IdempotencyKeyRepository, jobs: JobQueries, pendingRows: PendingJobRows) =>
            new SubmitJobUseCase(kafka.publisher, keys, jobs, pendingRows, logger, metrics),
          inject: [IdempotencyKeyRepository, JobQueries, PendingJobRows],
        },
        {
          provide: PendingJobRows,
          useFactory: (ds: DataSource) => PendingJobRows.asSubmissions(ds),
          inject: [DataSource],
        },
        {
          provide: JobSubmissionPruner,
          useFactory: (ds: DataSource) =>
            new JobSubmissionPruner(new JobSubmissions(ds), config.submissionRetentionMs, logger),
          inject: [DataSource],
        },
        {
          provide: CancelJobUseCase,
          useFactory: (jobs: JobQueries, ds: DataSource) =>
            new CancelJobUseCase(kafka.publisher, jobs, ds, logger),
          inject: [JobQueries, DataSource],
        },
        { provide: RerunJobUseCase, useValue: rerunJob },
        { provide: ReplayStageUseCase, useValue: new ReplayStageUseCase(kafka, logger) },
        {
          provide: DocumentQueries,
          useFactory: (ds: DataSource) => new DocumentQueries(ds),
          inject: [DataSource],
        },
        {
          provide: UploadDocumentUseCase,
          useFactory: (ds: DataSource) =>
            new UploadDocumentUseCase(blobs, kafka.publisher, PendingJobRows.asJobRows(ds), logger, metrics),
          inject: [DataSource],
        },
        GatewayConnections,
      ],
    };
  }
}
