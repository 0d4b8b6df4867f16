/*
 * A worker thread that does nothing but LISTEN for the projector's job-change notifications and note
 * when each arrived, on the process-wide monotonic clock: the bench's stand-in for "the projection
 * committed" (PostgreSQL sends a notification at commit). Alone on its event loop, so the load the
 * bench generates does not delay these times.
 */
import { Client } from 'pg';
import { monotonicMs, preferThisThread, serveCalls } from './worker-calls';

preferThisThread();
const seen = new Map<string, number[]>();
let client: Client | null = null;

serveCalls({
  async start(databaseUrl: string): Promise<void> {
    client = new Client({ connectionString: databaseUrl });
    await client.connect();
    client.on('notification', (message) => {
      const at = monotonicMs();
      for (const id of (message.payload ?? '').split(',')) {
        const list = seen.get(id);
        if (list) list.push(at);
        else seen.set(id, [at]);
      }
    });
    await client.query('LISTEN job_changes');
  },
  /** Every notification time per job id seen so far. */
  times(): Record<string, number[]> {
    return Object.fromEntries(seen);
  },
  async stop(): Promise<void> {
    await client?.end();
    client = null;
  },
});
