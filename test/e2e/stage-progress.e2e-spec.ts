import { buildTestPdf } from '@app/documents/testing';
import { finishedDocument, uploadDocument } from '../support/document-client';
import { DOOR_SCHEDULE_SHEET, FLOOR_PLAN_SHEET, NORTH_ELEVATION_SHEET } from '../support/drawing-sheets';
import type { ApiClient } from '../support/api-client';
import { useSystemUnderTest } from '../support/e2e-system';
import { SseClient } from '../support/sse-client';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

interface EventBody {
  id: string;
  type: string;
  occurredAt: string;
  data: { stage: string; attempt: number; page?: number } & Record<string, unknown>;
}

async function eventsOf(api: ApiClient, id: string): Promise<EventBody[]> {
  const response = await api.request('GET', `/jobs/${id}/events`);
  expect(response.status).toBe(200);
  return response.body as unknown as EventBody[];
}

/** Every progress or log event comes after its attempt's StageStarted and before its outcome. */
function expectWithinTheirAttempts(events: EventBody[]): void {
  const sameAttempt = (a: EventBody, b: EventBody): boolean =>
    a.data.stage === b.data.stage && a.data.attempt === b.data.attempt && a.data.page === b.data.page;
  events.forEach((event, index) => {
    if (event.type !== 'StageProgressed' && event.type !== 'StageLogged') return;
    // split's progress names the page it rendered; its attempt has no page.
    const attemptOf = (other: EventBody): boolean =>
      event.data.stage === 'split' ? other.data.stage === 'split' : sameAttempt(other, event);
    const started = events.findIndex((e) => e.type === 'StageStarted' && attemptOf(e));
    const outcome = events.findIndex(
      (e) => ['StageCompleted', 'StageFailed', 'StageAttemptFailed'].includes(e.type) && attemptOf(e),
    );
    expect(started).toBeGreaterThanOrEqual(0);
    expect(started).toBeLessThan(index);
    if (outcome >= 0) expect(outcome).toBeGreaterThan(index);
  });
}

/** `progress` of GET /jobs/{id} is the latest StageProgressed of the events. */
function latestProgress(events: EventBody[]): Record<string, unknown> {
  const progressed = events.filter((e) => e.type === 'StageProgressed');
  const latest = progressed.reduce((a, b) => (Date.parse(b.occurredAt) >= Date.parse(a.occurredAt) ? b : a));
  const { stage, attempt, page, done, total, unit, message } = latest.data;
  return { stage, attempt, page: page ?? null, done, total, unit, message, at: latest.occurredAt };
}

describe('stage progress and log lines (end to end)', () => {
  describe('scrape, default rate limits', () => {
    const site = new TestSite();
    const e2e = useSystemUnderTest({
      site,
      services: ['gateway', 'scraper', 'projector'],
      env: { SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1', SCRAPER_TIMEOUT_MS: '10000' },
    });

    it('reports the bytes of a page trickling in over 2 s and its redirect, and a fast page reports nothing', async () => {
      const slow = await e2e.api.submitScrape(`${site.baseUrl}/trickle/2000/hop`);
      const fast = await e2e.api.submitScrape(`${site.baseUrl}/article`);
      expect(await e2e.api.terminal(slow)).toMatchObject({ status: 'SUCCEEDED' });
      expect(await e2e.api.terminal(fast)).toMatchObject({ status: 'SUCCEEDED', progress: null });

      const events = await eventsOf(e2e.api, slow);
      const progressed = events.filter((e) => e.type === 'StageProgressed');
      expect(progressed.length).toBeGreaterThanOrEqual(1);
      // At most one per 500 ms after the first second of a ~2 s download.
      expect(progressed.length).toBeLessThanOrEqual(4);
      for (const event of progressed) {
        expect(event.data).toMatchObject({ stage: 'scrape', attempt: 1, unit: 'bytes', total: 20 * 1024 });
        expect(event.data.done).toBeGreaterThan(0);
        expect(event.data.done).toBeLessThan(20 * 1024); // the last chunk: the outcome says it
      }
      expectWithinTheirAttempts(events);
      expect((await e2e.api.job(slow)).progress).toEqual(latestProgress(events));

      const logs = await e2e.api.request('GET', `/jobs/${slow}/logs`);
      expect(logs.status).toBe(200);
      expect(logs.body).toEqual({
        items: [
          expect.objectContaining({
            stage: 'scrape',
            level: 'info',
            message: `redirected to ${site.baseUrl}/trickle/2000/`,
            fields: {},
          }),
        ],
        nextCursor: null,
      });

      const fastTypes = (await eventsOf(e2e.api, fast)).map((e) => e.type);
      expect(fastTypes).toEqual(['JobRequested', 'StageStarted', 'StageCompleted']);
      expect((await e2e.api.request('GET', `/jobs/${fast}/logs`)).body).toEqual({
        items: [],
        nextCursor: null,
      });
      expect((await e2e.api.request('GET', `/jobs/00000000-0000-4000-8000-000000000000/logs`)).status).toBe(
        404,
      );
    });
  });

  describe('documents, reporting from the start', () => {
    const e2e = useSystemUnderTest({
      services: ['gateway', 'documents', 'projector'],
      // Pages of a small test PDF take milliseconds: report from the first one, every 10 ms.
      env: { DOCUMENTS_DPI: '72', STAGE_PROGRESS_AFTER_MS: '0', STAGE_PROGRESS_INTERVAL_MS: '10' },
    });

    it("shows per-page progress in a document's live stream, its events and GET /jobs/{id}", async () => {
      const pdf = buildTestPdf([FLOOR_PLAN_SHEET, DOOR_SCHEDULE_SHEET, NORTH_ELEVATION_SHEET]);
      const accepted = await uploadDocument(e2e.system.baseUrl, pdf, 'set.pdf');
      expect(accepted.status).toBe(202);
      const id = accepted.body.id as string;
      // Its live stream, opened at once: the per-page progress reaches it as the projector applies it.
      const stream = await SseClient.open(`${e2e.system.baseUrl}/jobs/${id}/stream`);
      expect((await finishedDocument(e2e.api, id)).status).toBe('READY');
      await eventually('the stream to end', () => (stream.closed ? true : undefined), 60_000);

      const events = await eventsOf(e2e.api, id);
      const streamed = stream.events.filter((e) => e.event === 'StageProgressed');
      expect(streamed.map((e) => (e.data as EventBody).id).sort()).toEqual(
        events
          .filter((e) => e.type === 'StageProgressed')
          .map((e) => e.id)
          .sort(),
      );
      expect(streamed.some((e) => typeof (e.data as EventBody).data.page === 'number')).toBe(true);
      expect(stream.events[stream.events.length - 1].event).toBe('end');
      const progressed = events.filter((e) => e.type === 'StageProgressed');
      const split = progressed.filter((e) => e.data.stage === 'split');
      // The first page rendered is reported at once (leading edge); later ones at most every 10 ms.
      expect(split.length).toBeGreaterThanOrEqual(1);
      for (const event of split) {
        expect(event.data).toMatchObject({
          unit: 'pages',
          total: 3,
          message: `page ${event.data.page} rendered`,
        });
        expect([1, 2, 3]).toContain(event.data.page);
        expect(event.data.done).toBeGreaterThanOrEqual(1);
        expect(event.data.done).toBeLessThanOrEqual(3);
      }
      for (const event of progressed.filter((e) => e.data.stage === 'ocr')) {
        expect(event.data).toMatchObject({ unit: 'pages', done: 0, total: 1 });
        expect(event.data.message).toBe(`recognising page ${event.data.page}`);
      }
      expectWithinTheirAttempts(events);

      const job = await e2e.api.job(id);
      expect(job.status).toBe('SUCCEEDED');
      expect(job.progress).toEqual(latestProgress(events));
      expect(job.progress).toMatchObject({ unit: 'pages', page: expect.any(Number) });
    });
  });
});
