/*
 * Projection rebuild benchmark: starts a throwaway LocalStack (Kafka + PostgreSQL, in a temp folder),
 * publishes a log of jobs straight to the event topics with the platform's EventPublisher, then
 * rebuilds the read models from offset 0 with the ProjectionRebuilder (shadow schema + swap), a few
 * times. Prints events/s and writes bench-results/rebuild.json. Budget (DESIGN): >= 20,000 events/s.
 *
 * REBUILD_BENCH_JOBS (default 20,000 jobs x 5 events = 100,000 events), REBUILD_BENCH_RUNS (default 3).
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { arch, availableParallelism, cpus, loadavg, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECTED_TOPICS, Topics, type JobEvent } from '@app/contracts';
import { createLogger, KafkaRuntime, type KafkaConfig } from '@app/platform';
import { createDataSource, ProjectionRebuilder, runMigrations, type RebuildRecord } from '@app/read-models';
import { clusterReplication, LocalStack } from '@app/stack';
import { benchKafkaNodes } from './bench-kafka-nodes';
import {
  jobRequested,
  stageAttemptFailed,
  stageCompleted,
  stageFailed,
  stageRetryScheduled,
  stageStarted,
} from '@app/contracts/testing';

const BUDGET_EVENTS_PER_SECOND = 20_000;

interface RebuildRun {
  run: number;
  state: string;
  eventsRead: number;
  eventsApplied: number;
  seconds: number;
  eventsPerSecond: number;
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Job i: requested, started, attempt 1 failed, started again, then completed (every 10th: failed). */
function jobEvents(i: number): JobEvent[] {
  const base = Date.parse('2026-01-01T00:00:00.000Z') + i * 10;
  const at = (ms: number): string => new Date(base + ms).toISOString();
  const request = jobRequested({
    jobId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    occurredAt: at(0),
    url: `https://example.com/page/${i}`,
    correlationId: `bench-${i}`,
  });
  const retry = stageRetryScheduled(request, request, 2, at(3));
  return [
    request,
    stageStarted(request, 1, at(1)),
    stageAttemptFailed(request, 1, at(2)),
    stageStarted(retry, 2, at(4)),
    i % 10 === 9 ? stageFailed(retry, 2, at(5)) : stageCompleted(retry, 2, at(5)),
  ];
}

export async function runRebuildBench(): Promise<unknown> {
  const jobs = envInt('REBUILD_BENCH_JOBS', 20_000);
  const runs = envInt('REBUILD_BENCH_RUNS', 3);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const dataDir = await mkdtemp(join(tmpdir(), 'event-jobs-rebuild-bench-'));
  await chmod(dataDir, 0o755); // PostgreSQL runs as another user when we are root
  const stack = new LocalStack();
  const logger = createLogger('rebuild-bench', process.env.LOG_LEVEL === 'info' ? 'info' : 'warn');
  try {
    log(`rebuild bench: starting Kafka + PostgreSQL in ${dataDir}`);
    const nodes = benchKafkaNodes();
    const endpoints = await stack.start({ dataDir, freePorts: true, kafkaBrokers: nodes });
    const config: KafkaConfig = {
      brokers: endpoints.kafkaBrokers.split(','),
      clientId: 'rebuild-bench',
      partitions: 12,
      ...clusterReplication(nodes),
      sendTimeoutMs: 60_000,
      topicPrefix: '',
    };
    const kafka = new KafkaRuntime(config, logger);
    await kafka.connect(PROJECTED_TOPICS);
    const dataSource = await createDataSource(
      { url: endpoints.databaseUrl, poolSize: 10 },
      'rebuild-bench',
    ).initialize();
    await runMigrations(dataSource);

    const publishStarted = performance.now();
    let events = 0;
    const chunk: Promise<void>[] = [];
    for (let i = 0; i < jobs; i += 500) {
      const batch: JobEvent[] = [];
      for (let j = i; j < Math.min(jobs, i + 500); j += 1) batch.push(...jobEvents(j));
      events += batch.length;
      chunk.push(
        kafka.publisher.publish(
          batch.map((event) => ({
            topic: event.type === 'JobRequested' ? Topics.ScrapeRequested : Topics.ScrapeEvents,
            event,
          })),
        ),
      );
      if (chunk.length >= 8) await Promise.all(chunk.splice(0));
    }
    await Promise.all(chunk);
    const publishSeconds = (performance.now() - publishStarted) / 1000;
    log(`published ${events} events (${jobs} jobs) in ${publishSeconds.toFixed(1)} s`);
    await kafka.close();

    const results: RebuildRun[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const rebuilder = new ProjectionRebuilder({
        dataSource,
        kafka: config,
        logger,
        projectorGroupId: 'projector',
      });
      const record: RebuildRecord = await rebuilder.rebuild();
      await rebuilder.close();
      const seconds = ((record.finishedAt ?? new Date()).getTime() - record.startedAt.getTime()) / 1000;
      const result: RebuildRun = {
        run,
        state: record.state,
        eventsRead: record.eventsRead,
        eventsApplied: record.eventsApplied,
        seconds,
        eventsPerSecond: Math.round(record.eventsPerSecond ?? 0),
      };
      results.push(result);
      log(
        `run ${run}: ${record.state}, ${record.eventsApplied} events in ${seconds.toFixed(2)} s = ${result.eventsPerSecond} events/s${record.error ? ` (${record.error})` : ''}`,
      );
      if (record.state !== 'succeeded') throw new Error(`rebuild failed: ${record.error ?? '?'}`);
    }
    const [counts]: { jobs: string; events: string; succeeded: string }[] = await dataSource.query(
      `SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM job_events) AS events,
              (SELECT count(*) FROM jobs WHERE status = 'SUCCEEDED') AS succeeded`,
    );
    await dataSource.destroy();
    const rates = results.map((r) => r.eventsPerSecond).sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)];
    const report = {
      generatedAt: new Date().toISOString(),
      environment: {
        node: process.version,
        platform: platform(),
        arch: arch(),
        cpu: cpus()[0]?.model ?? 'unknown',
        availableParallelism: availableParallelism(),
        loadAverage1m: loadavg()[0],
      },
      log: {
        jobs,
        events,
        topics: [Topics.ScrapeRequested, Topics.ScrapeEvents],
        partitions: 12,
        publishSeconds,
      },
      runs: results,
      medianEventsPerSecond: median,
      budgetEventsPerSecond: BUDGET_EVENTS_PER_SECOND,
      withinBudget: median >= BUDGET_EVENTS_PER_SECOND,
      readModelsAfter: {
        jobs: Number(counts.jobs),
        events: Number(counts.events),
        succeeded: Number(counts.succeeded),
      },
    };
    const out = resolve(process.cwd(), 'bench-results');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'rebuild.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(
      `rebuild rate: median ${median} events/s over ${runs} run(s) (budget ${BUDGET_EVENTS_PER_SECOND}: ${report.withinBudget ? 'met' : 'NOT met'}); wrote bench-results/rebuild.json`,
    );
    return report;
  } finally {
    await stack.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
