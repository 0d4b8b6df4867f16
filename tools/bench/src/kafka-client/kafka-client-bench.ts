/*
 * `npm run bench -- kafka-client` (issue 11): KafkaJS (what libs/platform runs on) against
 * @platformatic/kafka on the platform's own pattern, each client alone in a process of its own, taking
 * turns against one local broker: CPU per message and messages/s of an idempotent acks=all producer
 * (one event per request, then 32 per request) and of a consumer group reading batches and committing
 * every 100 ms, plus the broker's CPU per message. KAFKA_CLIENT_BENCH_ROUNDS (default 3) rounds; medians printed.
 * Writes bench-results/kafka-client.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalStack, repoRoot, runCommand } from '@app/stack';
import { cpuSnapshot, cpuUsedBetween } from '../cpu-meter';
import type { ClientName, PhaseFigures, WorkerResult } from './kafka-client-worker';

const CLIENTS: ClientName[] = ['kafkajs', 'platformatic'];
const SINGLES = 3000;
const GROUPED = 48_000;
const GROUP_SIZE = 32;

interface RoundResult extends WorkerResult {
  brokerCpuMs: number;
}

const log = (line: string): void => void process.stdout.write(`[kafka-client] ${line}\n`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const usPerMessage = (phase: PhaseFigures): number => (phase.cpuMs * 1000) / phase.messages;
const perSecond = (phase: PhaseFigures): number => (phase.messages * 1000) / Math.max(1, phase.wallMs);

export interface ClientSummary {
  client: ClientName;
  produceSingleUsPerMessage: number;
  produceSingleMessagesPerS: number;
  produceGroupedUsPerMessage: number;
  produceGroupedMessagesPerS: number;
  consumeUsPerMessage: number;
  consumeMessagesPerS: number;
  brokerUsPerMessage: number;
}

export function summarize(client: ClientName, rounds: RoundResult[]): ClientSummary {
  const mine = rounds.filter((round) => round.client === client);
  const pick = (f: (round: RoundResult) => number): number => Math.round(median(mine.map(f)) * 10) / 10;
  return {
    client,
    produceSingleUsPerMessage: pick((r) => usPerMessage(r.produceSingle)),
    produceSingleMessagesPerS: pick((r) => perSecond(r.produceSingle)),
    produceGroupedUsPerMessage: pick((r) => usPerMessage(r.produceGrouped)),
    produceGroupedMessagesPerS: pick((r) => perSecond(r.produceGrouped)),
    consumeUsPerMessage: pick((r) => usPerMessage(r.consume)),
    consumeMessagesPerS: pick((r) => perSecond(r.consume)),
    brokerUsPerMessage: pick(
      (r) =>
        (r.brokerCpuMs * 1000) / (r.produceSingle.messages + r.produceGrouped.messages + r.consume.messages),
    ),
  };
}

export function renderSummaries(summaries: ClientSummary[]): string {
  const columns: [string, keyof ClientSummary][] = [
    ['produce 1/request: µs CPU/msg', 'produceSingleUsPerMessage'],
    ['msgs/s', 'produceSingleMessagesPerS'],
    [`produce ${GROUP_SIZE}/request: µs CPU/msg`, 'produceGroupedUsPerMessage'],
    ['msgs/s', 'produceGroupedMessagesPerS'],
    ['consume + commit: µs CPU/msg', 'consumeUsPerMessage'],
    ['msgs/s', 'consumeMessagesPerS'],
    ['broker µs CPU/msg', 'brokerUsPerMessage'],
  ];
  const rows = [
    ['client', ...columns.map(([title]) => title)],
    ...summaries.map((summary) => [summary.client, ...columns.map(([, key]) => String(summary[key]))]),
  ];
  if (summaries.length === 2) {
    const [a, b] = summaries;
    rows.push([
      `${b.client}/${a.client}`,
      ...columns.map(([, key]) => `x${(Number(b[key]) / Math.max(1e-9, Number(a[key]))).toFixed(2)}`),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

export async function runKafkaClientBench(): Promise<void> {
  const rounds = Number(process.env.KAFKA_CLIENT_BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(
      `KAFKA_CLIENT_BENCH_ROUNDS=${process.env.KAFKA_CLIENT_BENCH_ROUNDS} is not a positive integer`,
    );
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-kafka-client-'));
  // PostgreSQL (started with the broker, unused here) runs as another user who must traverse the folder.
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const results: RoundResult[] = [];
  try {
    const endpoints = await stack.start({ dataDir, freePorts: true, fast: true, log });
    const brokerPid = stack.kafka?.pid;
    const roles = new Map<number, string>(brokerPid ? [[brokerPid, 'kafka']] : []);
    const worker = path.join(__dirname, 'kafka-client-worker.js');
    for (let round = 1; round <= rounds; round += 1) {
      // Alternate who goes first, so neither always meets a broker the other has just warmed or loaded.
      const order = round % 2 ? CLIENTS : [...CLIENTS].reverse();
      for (const client of order) {
        log(`round ${round}/${rounds}: ${client}`);
        const topic = `bench.client.${client}.${round}.${Date.now()}`;
        const before = cpuSnapshot(roles);
        const run = await runCommand(
          process.execPath,
          [
            worker,
            client,
            endpoints.kafkaBrokers,
            topic,
            String(SINGLES),
            String(GROUPED),
            String(GROUP_SIZE),
          ],
          { timeoutMs: 10 * 60_000 },
        );
        const brokerCpuMs = cpuUsedBetween(before, cpuSnapshot(roles)).kafka ?? 0;
        const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as WorkerResult;
        results.push({ ...result, brokerCpuMs });
      }
    }
  } finally {
    await stack.stop();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
  const summaries = CLIENTS.map((client) => summarize(client, results));
  process.stdout.write(
    [
      '',
      `Kafka clients on the platform's pattern (${new Date().toISOString()}, ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(
          ' ',
        )}; medians of ${rounds} rounds; ${SINGLES} single sends, ${GROUPED} in sends of ${GROUP_SIZE}, idempotent, acks=all, 12 partitions):`,
      renderSummaries(summaries),
      '',
    ].join('\n'),
  );
  const file = path.join(repoRoot(), 'bench-results', 'kafka-client.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), rounds: results, summaries }, null, 2)}\n`,
  );
  log(`wrote ${file}`);
}
