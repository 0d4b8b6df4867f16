import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { kafkaTopicDefaults, LocalStack, type KafkaCluster } from '@app/stack';
import { ApiClient } from '../support/api-client';
import type { ConsumerGroup } from '../support/consumer-groups';
import { killLeaderMostNode, waitUntilLeadersMoved } from '../support/kafka-cluster-faults';
import {
  rebuildProjections,
  snapshotAnswers,
  waitUntilAllFinished,
  waitUntilProjectorCaughtUp,
  type JobBody,
} from '../support/job-audit';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

const BROKERS = 3;
/** An open-loop stream: a submission every SUBMIT_EVERY_MS whether or not earlier ones have answered. */
const SUBMIT_EVERY_MS = 125;
/** Jobs accepted between two steps of the scenario: the stream really flows at each of them. */
const ACCEPTED_BETWEEN_STEPS = 20;
/** Three JVMs and the services on a 2-core machine; the scenario itself takes about three minutes. */
const TEST_TIMEOUT_MS = 600_000;

type PageKind = 'article' | 'missing' | 'flaky' | 'down';
const EXPECTED_STATUS: Record<PageKind, string> = {
  article: 'SUCCEEDED',
  missing: 'FAILED',
  flaky: 'SUCCEEDED',
  down: 'FAILED',
};

interface Submission {
  sent: number;
  answered: number;
  kind: PageKind;
  status: number;
  retryAfter: string | null;
  id?: string;
  /** Set when no answer came (the client's 15 s timeout, or the connection failed). */
  error?: string;
}

interface Failover {
  nodeId: number;
  ledPartitions: number;
  killedAt: number;
  leadersMovedAt: number;
  backAt: number;
  replicatedAt: number;
}

interface EventBody {
  id: string;
  type: string;
  jobId: string;
  data: { attempt?: number };
}

/**
 * A three-node Kafka cluster (replication factor 3, min.insync.replicas=2) under a steady stream of
 * scrape jobs that succeed, fail, and retry: the node leading the most partitions is SIGKILLed, the
 * stream goes on, the node comes back and catches up, then the next leader-most node is killed and
 * brought back. Every POST /jobs answers 202 or 503 with Retry-After; every accepted job ends once,
 * in the state its page calls for, with each event once; every consumer group drains; the read models
 * equal a rebuild. The longest run of 503s and the end-to-end p99 around each failover are printed
 * (and written to a JSON file in the temp folder): figures, not assertions.
 */
describe('broker failover on a three-node Kafka cluster (end to end)', () => {
  const site = new TestSite();
  let dataDir: string;
  let stack: LocalStack;
  let cluster: KafkaCluster;
  let system: SystemUnderTest;
  let api: ApiClient;
  let db: Client;

  beforeAll(async () => {
    await site.start();
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-failover-'));
    await fs.promises.chmod(dataDir, 0o755);
    stack = new LocalStack();
    const endpoints = await stack.start({ dataDir, freePorts: true, fast: true, kafkaBrokers: BROKERS });
    if (!stack.kafkaCluster) throw new Error('no Kafka cluster');
    cluster = stack.kafkaCluster;
    system = await SystemUnderTest.start({
      kafkaBrokers: endpoints.kafkaBrokers,
      adminDatabaseUrl: endpoints.databaseUrl,
      services: ['gateway', 'scraper', 'projector'],
      env: {
        ...kafkaTopicDefaults(BROKERS),
        SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
        RETRY_MAX_ATTEMPTS: '4',
        RETRY_BASE_DELAY_MS: '100',
        // A consumer whose coordinator died rejoins as a new member; the old one expires after this.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
      // As under `npm start`: a consumer KafkaJS gave up on exits and is restarted.
      restartOnCrash: true,
    });
    api = new ApiClient(system.baseUrl);
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await system?.stop();
    await stack?.stop();
    await site.stop();
    if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  function pageOf(i: number): { kind: PageKind; page: string } {
    const slot = i % 10;
    if (slot === 6) return { kind: 'missing', page: `/missing?job=${i}` };
    if (slot === 7 || slot === 8) return { kind: 'flaky', page: `/flaky/failover-${i}` };
    if (slot === 9) return { kind: 'down', page: `/down/failover-${i}` };
    return { kind: 'article', page: `/article?job=${i}` };
  }

  it(
    'loses, duplicates and jams nothing while the leader-most broker is killed, twice',
    async () => {
      const started = Date.now();
      const submissions: Submission[] = [];
      const inFlight = new Set<Promise<void>>();
      let submitting = true;
      let next = 0;
      const submitOne = async (): Promise<void> => {
        const { kind, page } = pageOf(next++);
        const sent = Date.now();
        try {
          const response = await api.submit({ type: 'scrape', input: { url: `${site.baseUrl}${page}` } });
          submissions.push({
            sent,
            answered: Date.now(),
            kind,
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            id: response.status === 202 ? (response.body.id as string) : undefined,
          });
        } catch (error: unknown) {
          const message = error instanceof Error ? error.message : String(error);
          submissions.push({ sent, answered: Date.now(), kind, status: 0, retryAfter: null, error: message });
        }
      };
      const timer = setInterval(() => {
        if (!submitting) return;
        const request = submitOne();
        inFlight.add(request);
        void request.finally(() => inFlight.delete(request));
      }, SUBMIT_EVERY_MS);
      const acceptedSince = (from: number): number =>
        submissions.filter((s) => s.status === 202 && s.sent >= from).length;
      const flowing = (what: string, from: number): Promise<true> =>
        eventually(
          `${ACCEPTED_BETWEEN_STEPS} jobs accepted ${what}`,
          () => (acceptedSince(from) >= ACCEPTED_BETWEEN_STEPS ? true : undefined),
          120_000,
        );

      const failovers: Failover[] = [];
      const killLeaderMost = async (): Promise<void> => {
        const { node, nodeId, ledPartitions, killedAt } = await killLeaderMostNode(cluster);
        console.log(
          `killed Kafka node ${nodeId} (leader of ${ledPartitions} partitions) at +${killedAt - started} ms`,
        );
        await waitUntilLeadersMoved(cluster, nodeId);
        const leadersMovedAt = Date.now();
        await flowing(`after node ${nodeId} was killed`, leadersMovedAt);
        await node.start();
        const backAt = Date.now();
        await cluster.waitUntilFullyReplicated(120_000);
        const replicatedAt = Date.now();
        console.log(
          `node ${nodeId}: leaders moved after ${leadersMovedAt - killedAt} ms, back after ${backAt - killedAt} ms, ` +
            `fully replicated after ${replicatedAt - killedAt} ms`,
        );
        failovers.push({ nodeId, ledPartitions, killedAt, leadersMovedAt, backAt, replicatedAt });
        await flowing(`after node ${nodeId} came back`, replicatedAt);
      };

      try {
        // A baseline for the figures, and a warm system before the first kill.
        await eventually(
          `${2 * ACCEPTED_BETWEEN_STEPS} jobs finished before the first kill`,
          async () => {
            const ids = submissions.flatMap((s) => (s.id ? [s.id] : [])).slice(0, 2 * ACCEPTED_BETWEEN_STEPS);
            if (ids.length < 2 * ACCEPTED_BETWEEN_STEPS) return undefined;
            await waitUntilAllFinished(api, ids, 1_000);
            return true;
          },
          120_000,
        );
        await killLeaderMost();
        await killLeaderMost();
      } finally {
        submitting = false;
        clearInterval(timer);
        await Promise.all([...inFlight]);
      }
      expect(new Set(failovers.map((f) => f.nodeId)).size).toBe(2);

      // Every answer was a 202, or a 503 telling the client when to come back; none hung or failed.
      expect(submissions.filter((s) => s.status !== 202 && s.status !== 503)).toEqual([]);
      const refused = submissions.filter((s) => s.status === 503);
      expect(refused.filter((s) => !/^\d+$/.test(s.retryAfter ?? ''))).toEqual([]);

      const accepted = submissions.filter((s): s is Submission & { id: string } => s.id !== undefined);
      const ids = accepted.map((s) => s.id);
      const jobs = await waitUntilAllFinished(api, ids, 240_000);
      const problems: string[] = [];
      for (const submission of accepted) {
        const job = jobs.get(submission.id) as JobBody;
        problems.push(...(await outcomeProblems(job, EXPECTED_STATUS[submission.kind])));
      }
      expect(problems).toEqual([]);

      // Straight from the read model: no event applied twice, one outcome per job.
      // event_id is the table's key, so the same Kafka record stored under two ids would show here.
      const duplicates = await db.query<{ record: string }>(
        `SELECT source_topic || '/' || source_partition || '@' || source_offset AS record FROM job_events
         WHERE job_id = ANY($1::uuid[]) GROUP BY source_topic, source_partition, source_offset
         HAVING count(*) > 1`,
        [ids],
      );
      expect(duplicates.rows).toEqual([]);
      const outcomes = await db.query<{ job_id: string; outcomes: number }>(
        `SELECT job_id::text, count(*)::int AS outcomes FROM job_events
         WHERE type IN ('StageCompleted', 'StageFailed') AND job_id = ANY($1::uuid[]) GROUP BY job_id`,
        [ids],
      );
      expect(outcomes.rows).toHaveLength(ids.length);
      expect(outcomes.rows.filter((row) => row.outcomes !== 1)).toEqual([]);

      // No consumer group stuck: every group of this system drains to lag 0.
      await waitUntilProjectorCaughtUp(api, 120_000);
      await eventually(
        'every consumer group to drain',
        async () => {
          const response = await api.request<{ groups: ConsumerGroup[] }>('GET', '/admin/consumer-groups');
          if (response.status !== 200) throw new Error(`GET /admin/consumer-groups: ${response.status}`);
          const behind = response.body.groups.filter((group) => group.totalLag !== 0);
          if (behind.length === 0 && response.body.groups.length > 0) return true;
          throw new Error(behind.map((group) => `${group.groupId}: lag ${group.totalLag}`).join(', '));
        },
        120_000,
      );

      const live = await snapshotAnswers(api, ids);
      await rebuildProjections(api, 180_000);
      expect(await snapshotAnswers(api, ids)).toBe(live);

      report(started, submissions, failovers, jobs);
      for (const exit of system.unexpectedExits) console.log(`restarted after exit: ${JSON.stringify(exit)}`);
    },
    TEST_TIMEOUT_MS,
  );

  /**
   * What is wrong with a finished job's history: each event once, one request, the expected status,
   * exactly one outcome (StageCompleted or StageFailed), one StageStarted per attempt and a
   * StageAttemptFailed for each attempt but the last.
   */
  async function outcomeProblems(job: JobBody, expectedStatus: string): Promise<string[]> {
    const id = job.id as string;
    const response = await api.request<EventBody[]>('GET', `/jobs/${id}/events`);
    if (response.status !== 200) return [`job ${id}: GET events answered ${response.status}`];
    const events = response.body;
    const count = (type: string): number => events.filter((e) => e.type === type).length;
    const attempts = job.attempts as number;
    const problems: string[] = [];
    if (job.status !== expectedStatus) problems.push(`status ${String(job.status)}, not ${expectedStatus}`);
    if (new Set(events.map((e) => e.id)).size !== events.length) problems.push('an event id appears twice');
    if (count('JobRequested') !== 1) problems.push(`${count('JobRequested')} JobRequested`);
    if (count('StageCompleted') + count('StageFailed') !== 1) {
      problems.push(`${count('StageCompleted')} StageCompleted and ${count('StageFailed')} StageFailed`);
    }
    const started = events
      .filter((e) => e.type === 'StageStarted')
      .map((e) => e.data.attempt ?? 0)
      .sort((a, b) => a - b);
    if (JSON.stringify(started) !== JSON.stringify(Array.from({ length: attempts }, (_, i) => i + 1))) {
      problems.push(`StageStarted attempts ${JSON.stringify(started)} for attempts=${attempts}`);
    }
    if (count('StageAttemptFailed') !== attempts - 1) {
      problems.push(`${count('StageAttemptFailed')} StageAttemptFailed for attempts=${attempts}`);
    }
    return problems.map((problem) => `job ${id}: ${problem}`);
  }

  /** Prints (and writes to a JSON file in the temp folder) the figures of the run. */
  function report(
    started: number,
    submissions: readonly Submission[],
    failovers: readonly Failover[],
    jobs: ReadonlyMap<string, JobBody>,
  ): void {
    const ordered = [...submissions].sort((a, b) => a.sent - b.sent);
    const windows: { from: number; to: number; count: number }[] = [];
    let open: { from: number; to: number; count: number } | undefined;
    for (const submission of ordered) {
      if (submission.status === 503) {
        open ??= { from: submission.sent, to: submission.answered, count: 0 };
        open.to = Math.max(open.to, submission.answered);
        open.count += 1;
      } else if (open) {
        windows.push(open);
        open = undefined;
      }
    }
    if (open) windows.push(open);
    const longest = (list: typeof windows): number => Math.max(0, ...list.map((w) => w.to - w.from));

    // End-to-end latency of single-attempt jobs (retries add their back-off on purpose).
    const e2e = (from: number, to: number): { jobs: number; p99Ms: number | null } => {
      const latencies = ordered
        .filter((s) => s.id !== undefined && s.sent >= from && s.sent < to)
        .filter((s) => s.kind === 'article' || s.kind === 'missing')
        .map((s) => {
          const job = jobs.get(s.id as string) as JobBody;
          return Date.parse(job.finishedAt as string) - Date.parse(job.createdAt as string);
        })
        .sort((a, b) => a - b);
      const p99 = latencies.length
        ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]
        : null;
      return { jobs: latencies.length, p99Ms: p99 };
    };
    const figures = {
      runMs: Date.now() - started,
      submitted: submissions.length,
      accepted: submissions.filter((s) => s.status === 202).length,
      refused503: submissions.filter((s) => s.status === 503).length,
      // Consumers KafkaJS gave up on exit and are restarted (as under `npm start`).
      serviceRestarts: system.unexpectedExits.length,
      longest503WindowMs: longest(windows),
      beforeFirstKill: e2e(started, failovers[0]?.killedAt ?? Date.now()),
      failovers: failovers.map((f) => ({
        node: f.nodeId,
        ledPartitions: f.ledPartitions,
        leadersMovedAfterMs: f.leadersMovedAt - f.killedAt,
        backAfterMs: f.backAt - f.killedAt,
        replicatedAfterMs: f.replicatedAt - f.killedAt,
        longest503WindowMs: longest(windows.filter((w) => w.to >= f.killedAt && w.from <= f.replicatedAt)),
        // Jobs submitted from the kill until the node was back in sync.
        e2e: e2e(f.killedAt, f.replicatedAt),
      })),
    };
    const file = path.join(
      os.tmpdir(),
      `event-jobs-broker-failover-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`,
    );
    fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`broker failover figures (also in ${file}):\n${JSON.stringify(figures, null, 2)}`);
  }
});
