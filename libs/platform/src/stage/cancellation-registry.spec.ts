import { deriveEventId, rerunEvent, type JobEvent } from '@app/contracts';
import { jobRequested } from '@app/contracts/testing';
import type { ConsumedEvent } from '../kafka/event-consumer';
import { CancellationRegistry } from './cancellation-registry';

const context = { heartbeat: () => Promise.resolve(), isActive: () => true };

function cancel(jobId: string, run?: number): ConsumedEvent {
  const event: JobEvent = {
    ...jobRequested({ jobId }),
    id: deriveEventId(jobId, 'cancel', run ?? 0),
    type: 'JobCancelRequested',
    causationId: null,
    ...(run === undefined ? {} : { run }),
    data: { reason: null },
  };
  return { event, topic: 'jobs.control', partition: 0, offset: '0', headers: {} };
}

describe('CancellationRegistry', () => {
  const jobId = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

  it('cancels the job’s run and earlier ones, not a later re-run', async () => {
    const registry = new CancellationRegistry();
    await registry.handleBatch([cancel(jobId, 1)], context);
    expect(registry.isCancelled(jobId, 0)).toBe(true);
    expect(registry.isCancelled(jobId, 1)).toBe(true);
    expect(registry.isCancelled(jobId, 2)).toBe(false);
    expect(registry.isCancelled('2c5f39cb-3fa1-41d2-883f-0016d3cca427', 0)).toBe(false);
  });

  it('aborts in-flight work of a cancelled run only', async () => {
    const registry = new CancellationRegistry();
    const run0 = registry.track(jobId, 0);
    const run1 = registry.track(jobId, 1);
    await registry.handleBatch([cancel(jobId)], context);
    expect(run0.signal.aborted).toBe(true);
    expect(run1.signal.aborted).toBe(false);
    run0.release();
    run1.release();
  });

  it('a re-run copy of a request belongs to the next run and is not cancelled by the old cancel', async () => {
    const registry = new CancellationRegistry();
    const request = jobRequested({ jobId });
    await registry.handleBatch([cancel(jobId)], context);
    const copy = rerunEvent(request, 1);
    expect(copy).toMatchObject({ jobId, run: 1, causationId: request.id, type: 'JobRequested' });
    expect(copy.id).toBe(deriveEventId(request.id, 'rerun', 1));
    expect(registry.track(jobId, copy.run).signal.aborted).toBe(false);
  });
});
