/** Self time of a V8 `.cpuprofile`, by function and by the part of the stack it belongs to. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled time, idle excluded (µs). */
  busyMicros: number;
  /** Share of busy time per group, percent. */
  groups: Record<string, number>;
  /** Highest self time first. */
  topFunctions: { name: string; group: string; percent: number }[];
}

/** First match wins: package paths before the catch-all node internals. */
const GROUPS: [string, RegExp][] = [
  ['tracing (OpenTelemetry)', /node_modules\/@opentelemetry\//],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream|pino-std-serializers)\//],
  ['Kafka client (kafkajs)', /node_modules\/kafkajs\//],
  ['PostgreSQL (pg, typeorm)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|typeorm)\//],
  [
    'validation (class-validator/transformer)',
    /node_modules\/(class-validator|class-transformer|validator)\//,
  ],
  [
    'Nest / Express',
    /node_modules\/(@nestjs|express|router|body-parser|raw-body|iconv-lite|type-is|content-type|finalhandler|send|on-finished|path-to-regexp|qs|accepts|negotiator|mime-types|media-typer|depd|encodeurl|statuses|http-errors|vary|etag|fresh|cookie|parseurl|proxy-addr|forwarded|serve-static|ipaddr\.js|debug|ms|side-channel|call-bound|get-intrinsic|function-bind|es-errors|object-inspect|bytes|unpipe|destroy|ee-first|merge-descriptors|content-disposition|range-parser|mime|rxjs|reflect-metadata|@fastify|fastify|light-my-request|find-my-way|avvio)\//,
  ],
  ['prom-client', /node_modules\/(prom-client|tdigest|bintrees)\//],
  ['app code (libs, services)', /\/dist\/(libs|services)\//],
  ['other packages', /node_modules\//],
  ['node: http/net', /^node:(_http|http|net|stream|internal\/(http|streams|stream_base))/],
  ['node: other', /^node:/],
];

function groupOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    return functionName.startsWith('(') ? `V8 ${functionName}` : 'native / builtins';
  }
  for (const [name, pattern] of GROUPS) if (pattern.test(url)) return name;
  return 'other';
}

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const groups = new Map<string, number>();
  const functions = new Map<string, { group: string; micros: number }>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    busy += micros;
    const group = groupOf(frame.url, frame.functionName);
    groups.set(group, (groups.get(group) ?? 0) + micros);
    const where = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '');
    const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    const entry = functions.get(name) ?? { group, micros: 0 };
    entry.micros += micros;
    functions.set(name, entry);
  }
  const percent = (micros: number): number => Math.round((micros / busy) * 1000) / 10;
  return {
    busyMicros: busy,
    groups: Object.fromEntries([...groups].sort((a, b) => b[1] - a[1]).map(([g, m]) => [g, percent(m)])),
    topFunctions: [...functions]
      .sort((a, b) => b[1].micros - a[1].micros)
      .slice(0, top)
      .map(([name, { group, micros }]) => ({ name, group, percent: percent(micros) })),
  };
}
