/*
 * The broker's own limit on this machine for the messages we send (issue 11: "the ceiling of this
 * machine for the work we do"). Kafka's ProducerPerformance and ConsumerPerformance, from the jars of
 * the broker's own version, run against the broker the platform has just used, with its services
 * stopped. Consuming the platform's own topics first gives our real average message size; the producer
 * test then sends records of that size with acks=all to a topic with our partition count.
 */
import { ensureKafkaTools, runCommand } from '@app/stack';
import { Topics } from '@app/contracts';
import { cpuSnapshot, cpuUsedBetween } from '../cpu-meter';
import type { StackRun } from './compare-report';

export interface ProducerCeiling {
  records: number;
  recordBytes: number;
  recordsPerS: number;
  mbPerS: number;
  avgLatencyMs: number;
  p99LatencyMs: number;
  /** The broker's CPU per record produced. */
  brokerCpuMsPerRecord: number;
}

export interface ConsumerCeiling {
  topic: string;
  records: number;
  avgRecordBytes: number;
  recordsPerS: number;
  mbPerS: number;
}

export interface KafkaCeiling {
  /** The platform's request and stage-event topics, read whole once: their record counts and sizes. */
  platformTopics: ConsumerCeiling[];
  produced: ProducerCeiling;
  /** The producer test's records read back by one consumer. */
  consumed: ConsumerCeiling;
}

export interface KafkaCeilingTarget {
  bootstrapServers: string;
  brokerPid: number | undefined;
  topicPrefix: string;
  partitions: number;
  log: (line: string) => void;
}

/** `100000 records sent, 45000.1 records/sec (21.46 MB/sec), 450.12 ms avg latency, ... 880 ms 99th, ...` */
export function parseProducerSummary(
  output: string,
): Omit<ProducerCeiling, 'records' | 'recordBytes' | 'brokerCpuMsPerRecord'> {
  const line = output
    .split('\n')
    .reverse()
    .find((candidate) => /records sent,.*99th/.test(candidate));
  const match = line
    ? /records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency.*?(\d+) ms 99th/.exec(
        line,
      )
    : null;
  if (!match) throw new Error(`ProducerPerformance printed no summary:\n${output.slice(-2000)}`);
  return {
    recordsPerS: Number(match[1]),
    mbPerS: Number(match[2]),
    avgLatencyMs: Number(match[3]),
    p99LatencyMs: Number(match[4]),
  };
}

/**
 * ConsumerPerformance's CSV: `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg,
 * nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`. The fetch.* figures leave
 * out the group join, so they are the read rate.
 */
export function parseConsumerSummary(topic: string, output: string): ConsumerCeiling {
  const lines = output.split('\n').map((line) => line.trim());
  const header = lines.findIndex((line) => line.startsWith('start.time'));
  const values = header >= 0 ? lines[header + 1]?.split(',').map((value) => value.trim()) : undefined;
  if (!values || values.length < 10)
    throw new Error(`ConsumerPerformance printed no summary:\n${output.slice(-2000)}`);
  const megabytes = Number(values[2]);
  const records = Number(values[4]);
  return {
    topic,
    records,
    avgRecordBytes: records > 0 ? Math.round((megabytes * 1024 * 1024) / records) : 0,
    mbPerS: Number(values[8]),
    recordsPerS: Number(values[9]),
  };
}

/** `topic:partition:offset` lines of GetOffsetShell (`--time -1`: end offsets) summed: the records a topic holds. */
export function sumEndOffsets(output: string): number {
  return output
    .split('\n')
    .map((line) => /:(\d+)$/.exec(line.trim()))
    .reduce((sum, match) => sum + (match ? Number(match[1]) : 0), 0);
}

export async function measureKafkaCeiling(
  target: KafkaCeilingTarget,
  options: { records: number },
): Promise<KafkaCeiling> {
  const tools = await ensureKafkaTools({ log: target.log });
  // No log4j configuration: its default prints errors only, so stdout holds the tools' results.
  const java = (mainClass: string, args: string[]): Promise<string> =>
    runCommand(
      tools.java,
      ['-Xmx512m', '-XX:TieredStopAtLevel=1', '-cp', tools.classpath, mainClass, ...args],
      {
        timeoutMs: 5 * 60_000,
      },
    ).then((result) => result.stdout);
  const server = ['--bootstrap-server', target.bootstrapServers];
  const consume = async (topic: string, records: number): Promise<ConsumerCeiling> =>
    parseConsumerSummary(
      topic,
      await java('org.apache.kafka.tools.ConsumerPerformance', [
        ...server,
        '--topic',
        topic,
        '--messages',
        String(records),
        '--group',
        `bench-ceiling-${Date.now()}`,
      ]),
    );

  // Our messages as they are on the log: the platform's own request and stage-event topics, read whole.
  const platformTopics: ConsumerCeiling[] = [];
  for (const topic of [Topics.ScrapeRequested, Topics.ScrapeEvents].map(
    (name) => target.topicPrefix + name,
  )) {
    const records = sumEndOffsets(
      await java('org.apache.kafka.tools.GetOffsetShell', [...server, '--topic', topic, '--time', '-1']),
    );
    if (records > 0) platformTopics.push(await consume(topic, records));
  }
  const recordBytes = platformTopics.length
    ? Math.round(platformTopics.reduce((sum, topic) => sum + topic.avgRecordBytes, 0) / platformTopics.length)
    : 1024;

  const topic = `${target.topicPrefix}bench.ceiling.${Date.now()}`;
  await java('org.apache.kafka.tools.TopicCommand', [
    ...server,
    '--create',
    '--topic',
    topic,
    '--partitions',
    String(target.partitions),
  ]);
  target.log(
    `Kafka ceiling: ProducerPerformance, ${options.records} records of ${recordBytes} bytes, acks=all, ${target.partitions} partitions; then ConsumerPerformance`,
  );
  const roles = new Map<number, string>(target.brokerPid ? [[target.brokerPid, 'kafka']] : []);
  const before = cpuSnapshot(roles);
  const output = await java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(recordBytes),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${target.bootstrapServers}`,
    'acks=all',
  ]);
  const brokerMs = cpuUsedBetween(before, cpuSnapshot(roles)).kafka ?? 0;
  const consumed = await consume(topic, options.records);
  await java('org.apache.kafka.tools.TopicCommand', [...server, '--delete', '--topic', topic]).catch(
    () => undefined,
  );
  return {
    platformTopics,
    consumed,
    produced: {
      records: options.records,
      recordBytes,
      ...parseProducerSummary(output),
      brokerCpuMsPerRecord: Math.round((brokerMs / options.records) * 1000) / 1000,
    },
  };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The ceiling as report lines, with the platform's burst set against it. */
export function renderCeiling(ceiling: KafkaCeiling, platform: StackRun | undefined): string {
  const { produced, consumed } = ceiling;
  const lines = [
    "Kafka's own ceiling on this machine (Kafka's ProducerPerformance / ConsumerPerformance against the platform's broker, its services stopped):",
    `  produce, acks=all, ${produced.recordBytes}-byte records (our average), ${int(produced.records)} records: ` +
      `${int(produced.recordsPerS)} records/s (${produced.mbPerS} MB/s), latency avg ${produced.avgLatencyMs} / p99 ${produced.p99LatencyMs} ms, ` +
      `broker CPU ${produced.brokerCpuMsPerRecord} ms per record`,
    `  consume the same records, one consumer: ${int(consumed.recordsPerS)} records/s (${consumed.mbPerS} MB/s) once fetching`,
    ...ceiling.platformTopics.map(
      (topic) =>
        `  the platform's ${topic.topic}: ${int(topic.records)} records, ${topic.avgRecordBytes} bytes on average`,
    ),
  ];
  const [requests, stageEvents] = ceiling.platformTopics;
  const burst = platform?.phases.burst?.loadgen.jobsPerS;
  if (requests?.records && stageEvents && burst) {
    const recordsPerJob = (requests.records + stageEvents.records) / requests.records;
    const moved = burst * recordsPerJob;
    lines.push(
      `  ${recordsPerJob.toFixed(2)} records per scrape job: the platform's burst (${int(burst)} jobs/s) produced ~${int(moved)} records/s, ` +
        `${((100 * moved) / produced.recordsPerS).toFixed(1)}% of the producer ceiling`,
    );
  }
  return lines.join('\n');
}
