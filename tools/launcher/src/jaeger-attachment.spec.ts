import type { JaegerStartup } from '@app/stack';
import { announceJaeger, jaegerPendingLines, type JaegerAttachment } from './jaeger-attachment';

function attachment(
  startup: JaegerStartup,
  overrides: Partial<JaegerAttachment> = {},
): { attachment: JaegerAttachment; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    attachment: {
      startup: Promise.resolve(startup),
      queryUrl: 'http://127.0.0.1:16686',
      otlpEndpoint: 'http://127.0.0.1:4318',
      startedAt: Date.now() - 5_000,
      servicesStartedAt: () => undefined,
      stopping: () => false,
      log: (line) => lines.push(line),
      ...overrides,
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('announceJaeger', () => {
  it('says no trace was lost when Jaeger is up before the services start', async () => {
    const { attachment: started, lines } = attachment({ started: true });
    announceJaeger(started);
    await settle();
    expect(lines[0]).toMatch(
      /^jaeger attached after \d+\.\d s: http:\/\/127\.0\.0\.1:16686; no trace was lost$/,
    );
  });

  it('names the window whose traces were dropped when the services started first', async () => {
    const servicesStartedAt = Date.parse('2026-12-07T01:02:03Z');
    const { attachment: late, lines } = attachment(
      { started: true },
      { servicesStartedAt: () => servicesStartedAt },
    );
    announceJaeger(late);
    await settle();
    expect(lines[0]).toMatch(/traces of work between 01:02:03 and \d\d:\d\d:\d\d UTC were dropped$/);
  });

  it('reports a failed start, but not the build a stopping launcher aborted', async () => {
    const failed: JaegerStartup = { started: false, error: new Error('`go` was not found on PATH') };
    const running = attachment(failed);
    announceJaeger(running.attachment);
    const stopping = attachment(failed, { stopping: () => true });
    announceJaeger(stopping.attachment);
    await settle();
    expect(running.lines[0]).toBe(
      'jaeger failed to start, so no traces are kept: `go` was not found on PATH',
    );
    expect(stopping.lines).toEqual([]);
  });

  it('tells, while Jaeger is pending, where the dropped traces were going', () => {
    const { attachment: pending } = attachment({ started: true });
    expect(jaegerPendingLines(pending, true).join('\n')).toContain(
      'traces to http://127.0.0.1:4318 are dropped',
    );
  });
});
