import { useSystemUnderTest } from '../support/e2e-system';
import { SseClient } from '../support/sse-client';
import { eventually } from '../support/wait';

/**
 * Live streams at a gateway's limit and at its shutdown: over STREAM_MAX_PER_GATEWAY a stream is refused
 * with 503 problem+json (the client retries, maybe on another replica) until one closes; a stopping
 * gateway ends its open streams (clients resume elsewhere with Last-Event-ID) and exits cleanly.
 */
describe('live streams at their limit and at shutdown (end to end)', () => {
  const e2e = useSystemUnderTest({ env: { STREAM_MAX_PER_GATEWAY: '2', STREAM_HEARTBEAT_MS: '500' } });
  const dashboardUrl = (): string => `${e2e.system.baseUrl}/jobs/stream`;

  it('answers 503 problem+json with Retry-After over STREAM_MAX_PER_GATEWAY, and takes a stream again once one closed', async () => {
    const first = await SseClient.open(dashboardUrl());
    const second = await SseClient.open(dashboardUrl());
    expect([first.status, second.status]).toEqual([200, 200]);
    const refused = await SseClient.open(dashboardUrl());
    await refused.ended;
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toMatchObject({
      status: 503,
      detail: expect.stringContaining('2 live streams'),
    });

    first.close();
    const again = await openDashboard();
    expect(again.status).toBe(200);
    again.close();
    second.close();
  });

  it('ends its open streams when the gateway stops, and exits cleanly', async () => {
    const streams = [await openDashboard(), await openDashboard()];
    await eventually(
      'a heartbeat on each stream',
      () => (streams.every((stream) => stream.comments.length > 0) ? true : undefined),
      10_000,
    );

    const exit = await e2e.system.supervisor.stop('gateway', 10_000);
    // Nest re-raises SIGTERM once its shutdown hooks ran; a gateway stuck on its open streams would have
    // been killed with SIGKILL after 10 s.
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    await Promise.all(streams.map((stream) => stream.ended));
    expect(streams.every((stream) => stream.closed)).toBe(true);
    await e2e.system.restart('gateway');
  });

  /** A dashboard stream, once the gateway has room (a stream closed just before may still count). */
  function openDashboard(): Promise<SseClient> {
    return eventually(
      'a dashboard stream to open',
      async () => {
        const client = await SseClient.open(dashboardUrl());
        if (client.status === 200) return client;
        await client.ended;
        return undefined;
      },
      10_000,
    );
  }
});
