import { jobRequested, stageStarted } from '@app/contracts/testing';
import type { ProjectableEvent } from '../job-projection';
import { partitionByJob } from './job-partitions';

const jobId = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

function batch(jobs: number): ProjectableEvent[] {
  const events: ProjectableEvent[] = [];
  for (let i = 0; i < jobs; i += 1) {
    const request = jobRequested({ jobId: jobId(i) });
    events.push({ event: request, topic: 'jobs.requested', partition: 0, offset: String(i) });
  }
  for (let i = 0; i < jobs; i += 1) {
    const request = events[i].event as ReturnType<typeof jobRequested>;
    for (const attempt of [1, 2]) {
      events.push({
        event: stageStarted(request, attempt),
        topic: 'scrape.events',
        partition: 0,
        offset: '0',
      });
    }
  }
  return events;
}

describe('partitionByJob', () => {
  it('keeps every job in one part, its events in batch order, and loses or adds nothing', () => {
    const events = batch(40);
    const parts = partitionByJob(events, 3);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat()).toHaveLength(events.length);
    const partOf = new Map<string, number>();
    parts.forEach((part, index) => {
      for (const { event } of part) {
        expect(partOf.get(event.jobId) ?? index).toBe(index);
        partOf.set(event.jobId, index);
      }
      const positions = part.map((item) => events.indexOf(item));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    });
  });

  it('returns the batch as it is for one part', () => {
    const events = batch(5);
    expect(partitionByJob(events, 1)).toEqual([events]);
  });
});
