/*
 * Gateway intake benchmark (in-process, no network): CPU µs per call of the checks every request goes
 * through before validation (issue 12 point 2): the input-limits walk of a JSON body, the media-type
 * guard and the input-bounds guard as middleware, with JSON.parse and the storable-text walk of the same
 * body for scale. Best of several rounds (CPU time: on a loaded machine wall time measures the others).
 * INTAKE_BENCH_ROUNDS (default 7). Prints a table and writes bench-results/intake.json.
 */
import type { NextFunction, Request, Response } from 'express';
import { findUnstorableText } from '@app/contracts';
import { inputBoundsGuard } from '@app/gateway/http/input-bounds-guard';
import type { InputLimits } from '@app/gateway/http/input-limits';
import { findLimitBreach } from '@app/gateway/http/input-limits-walk';
import { mediaTypeGuard } from '@app/gateway/http/media-type-guard';
import { benchEnvironment, writeBenchReport } from './bench-report';
import { cpuMicrosPerCall } from './timing';

const DEFAULT_LIMITS: InputLimits = {
  maxDepth: 32,
  maxKeysPerObject: 1000,
  maxTotalKeys: 10_000,
  maxArrayItems: 10_000,
  maxStringLength: 16_384,
};

function riskBody(positions: number, returns: number): string {
  const symbols = Array.from({ length: positions }, (_, i) => `SYM${i}`);
  return JSON.stringify({
    type: 'risk',
    input: {
      method: 'historical',
      confidence: 0.99,
      horizonDays: 10,
      positions: symbols.map((symbol, i) => ({ symbol, quantity: 100 + i, price: 10 + i / 7 })),
      returns: Object.fromEntries(
        symbols.map((symbol, s) => [
          symbol,
          Array.from({ length: returns }, (_, i) => Math.sin(i + s) / 100),
        ]),
      ),
    },
  });
}

const BODIES: Record<string, string> = {
  'scrape POST /jobs': JSON.stringify({
    type: 'scrape',
    input: { url: 'http://127.0.0.1:4000/article?id=12345' },
    priority: 'normal',
  }),
  'risk, 2 positions x 250 returns': riskBody(2, 250),
  'risk, 10 positions x 1,000 returns': riskBody(10, 1000),
};

interface IntakeTiming {
  body: string;
  bytes: number;
  jsonParseMicros: number;
  storableTextMicros: number;
  limitsWalkMicros: number;
  guardsMicros: number;
}

/** Express-shaped stand-ins: the guards read headers, method, path, url and body, and call next. */
function fakeRequest(body: unknown, length: number): Request {
  return {
    method: 'POST',
    path: '/jobs',
    url: '/jobs',
    originalUrl: '/jobs',
    headers: { 'content-type': 'application/json', 'content-length': String(length) },
    body,
  } as unknown as Request;
}

function bestMicros(run: () => unknown, calls: number, rounds: number): number {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) best = Math.min(best, cpuMicrosPerCall(run, calls));
  return best;
}

export function runIntakeBench(): Promise<IntakeTiming[]> {
  const rounds = Number(process.env.INTAKE_BENCH_ROUNDS) || 7;
  const response = {} as Response;
  let passed = 0;
  const next: NextFunction = () => {
    passed++;
  };
  const boundsGuard = inputBoundsGuard(DEFAULT_LIMITS);
  // Valid bodies never reach the route lookup (only a refusal asks which methods the path takes).
  const mediaGuard = mediaTypeGuard({ of: () => [] });
  const timings: IntakeTiming[] = [];
  for (const [name, text] of Object.entries(BODIES)) {
    const parsed: unknown = JSON.parse(text);
    const request = fakeRequest(parsed, Buffer.byteLength(text));
    const calls = Math.max(200, Math.round(2_000_000 / text.length));
    const guards = (): void => {
      mediaGuard(request, response, next);
      boundsGuard(request, response, next);
    };
    if (findLimitBreach(parsed, DEFAULT_LIMITS, 'body') !== null) throw new Error(`${name} breaks a limit`);
    timings.push({
      body: name,
      bytes: Buffer.byteLength(text),
      jsonParseMicros: bestMicros(() => JSON.parse(text), calls, rounds),
      storableTextMicros: bestMicros(() => findUnstorableText(parsed), calls, rounds),
      limitsWalkMicros: bestMicros(() => findLimitBreach(parsed, DEFAULT_LIMITS, 'body'), calls, rounds),
      guardsMicros: bestMicros(guards, calls, rounds),
    });
  }
  if (passed === 0) throw new Error('the guards never passed a request');
  const rows = timings.map(
    (t) =>
      `${t.body.padEnd(36)} ${String(t.bytes).padStart(7)} B  JSON.parse ${t.jsonParseMicros.toFixed(3)} µs  ` +
      `storable-text ${t.storableTextMicros.toFixed(3)} µs  limits walk ${t.limitsWalkMicros.toFixed(3)} µs  ` +
      `media-type + bounds guards ${t.guardsMicros.toFixed(3)} µs`,
  );
  process.stdout.write(`CPU µs per call, best of ${rounds} rounds:\n${rows.join('\n')}\n`);
  const file = writeBenchReport('intake.json', {
    generatedAt: new Date().toISOString(),
    environment: benchEnvironment(),
    limits: DEFAULT_LIMITS,
    timings,
  });
  process.stdout.write(`written to ${file}\n`);
  return Promise.resolve(timings);
}
