import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one service process (served as text at `GET /metrics`). One registry per
 * process; services record through the named fields instead of creating metrics ad hoc.
 */
export class PlatformMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly jobsAccepted = new Counter({
    name: 'jobs_accepted_total',
    help: 'Jobs accepted by the gateway (request event acknowledged by Kafka), by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly jobsFinished = new Counter({
    name: 'jobs_finished_total',
    help: 'Jobs a stage finished, by type and outcome (succeeded, failed)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: 'stage_processing_seconds',
    help: 'Duration of one stage attempt, by stage and outcome (succeeded, failed, retry)',
    labelNames: ['stage', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'stage_retries_total',
    help: 'Attempts that failed with a retryable error and were scheduled again, by stage',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'dead_letters_total',
    help: 'Messages sent to the dead-letter topic, by consumer group and reason',
    labelNames: ['group', 'reason'] as const,
    registers: [this.registry],
  });

  readonly eventsProjected = new Counter({
    name: 'projector_events_applied_total',
    help: 'Events folded into the read models (duplicates excluded)',
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Messages not yet committed by a consumer group, by group and topic',
    labelNames: ['group', 'topic'] as const,
    registers: [this.registry],
  });

  readonly admissionBacklog = new Gauge({
    name: 'admission_backlog_messages',
    help: 'Backlog the gateway last sampled for admission control (lag of the stage groups), by job type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly admissionRejections = new Counter({
    name: 'admission_rejections_total',
    help: 'Submissions answered 503 because the job type’s backlog was over its limit, by job type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly streamDelivery = new Histogram({
    name: 'live_stream_delivery_seconds',
    help: 'From a projector notification reaching the gateway to its frames written to the live streams, by kind (job, dashboard)',
    labelNames: ['kind'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
