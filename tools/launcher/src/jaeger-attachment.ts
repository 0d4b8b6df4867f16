import type { JaegerStartup } from '@app/stack';

export interface JaegerAttachment {
  startup: Promise<JaegerStartup>;
  queryUrl: string;
  otlpEndpoint: string;
  /** When the launcher started (for "attached after N s"). */
  startedAt: number;
  /** When the first service started, once it has: traces made before Jaeger is up are lost. */
  servicesStartedAt: () => number | undefined;
  /** True once the launcher is stopping (a build it aborts is no failure to report). */
  stopping: () => boolean;
  log: (line: string) => void;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const clock = (time: number): string => new Date(time).toISOString().slice(11, 19);

/**
 * Jaeger comes up beside the rest (on a first start it is built from source, which takes minutes).
 * The services export to its OTLP port from the start; until it listens, their batch exporter drops
 * each batch it cannot deliver, quietly. This says so, and says when Jaeger is attached.
 */
export function announceJaeger(attachment: JaegerAttachment): void {
  const { log, queryUrl } = attachment;
  void attachment.startup.then((startup) => {
    const now = Date.now();
    if (attachment.stopping()) return;
    if (!startup.started) {
      log(`jaeger failed to start, so no traces are kept: ${startup.error.message}`);
      log('(EVENT_JOBS_JAEGER=false skips Jaeger)');
      return;
    }
    const servicesStartedAt = attachment.servicesStartedAt();
    const dropped =
      servicesStartedAt === undefined
        ? 'no trace was lost'
        : `traces of work between ${clock(servicesStartedAt)} and ${clock(now)} UTC were dropped`;
    log(`jaeger attached after ${seconds(now - attachment.startedAt)}: ${queryUrl}; ${dropped}`);
    log(`jaeger: a job's trace is GET ${queryUrl}/api/traces/<traceId of GET /jobs/{id}>`);
  });
}

/** Printed when the system is ready but Jaeger is not up yet. */
export function jaegerPendingLines(attachment: JaegerAttachment, building: boolean): string[] {
  return [
    building
      ? 'jaeger: still building from source (first start on this machine only; minutes), then it attaches'
      : 'jaeger: still starting, it attaches in a moment',
    `until then the services' traces to ${attachment.otlpEndpoint} are dropped (the batch exporter gives up on them quietly)`,
  ];
}
