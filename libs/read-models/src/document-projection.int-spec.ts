import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  causedEvent,
  EVENT_VERSIONS,
  jobRequestedEventId,
  rerunEvent,
  type JobEvent,
  type JobRequested,
} from '@app/contracts';
import { createMigratedDatabase } from '@app/test-support/harness-env';
import { DocumentQueries } from './document-queries';
import { applyEvents } from './job-projection';

/** The document fan-in against a real PostgreSQL (the harness's), in a database of its own. */
const database = `documents_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;
const sha = 'a'.repeat(64);

function request(): JobRequested {
  const jobId = randomUUID();
  return {
    id: jobRequestedEventId(jobId),
    type: 'JobRequested',
    version: EVENT_VERSIONS.JobRequested,
    jobId,
    tenantId: 'default',
    correlationId: 'doc-test',
    causationId: null,
    occurredAt: new Date().toISOString(),
    data: {
      jobType: 'document',
      input: { blob: { key: sha, size: 10, mediaType: 'application/pdf', filename: 'a.pdf' } },
      priority: 'normal',
      idempotencyKey: null,
    },
  };
}

/** The events of a two-page document, in pipeline order. */
function pipeline(req: JobRequested): JobEvent[] {
  const base = { stageVersion: 'documents@1', attempt: 1 };
  const split = causedEvent(req, 'StageCompleted', {
    ...base,
    stage: 'split',
    result: {
      pageCount: 2,
      pages: [1, 2].map((pageNo) => ({
        pageNo,
        width: 10,
        height: 10,
        dpi: 72,
        image: sha,
        textLayer: null,
      })),
    },
  });
  const events: JobEvent[] = [req, split];
  for (const page of [1, 2]) {
    const ocr = causedEvent(
      split,
      'StageCompleted',
      {
        ...base,
        stage: 'ocr',
        page,
        result: { pageNo: page, engine: 'pdf-text', text: 'SCALE 1:100', blocks: [], image: sha },
      },
      { discriminator: page },
    );
    events.push(
      ocr,
      causedEvent(
        ocr,
        'StageCompleted',
        {
          ...base,
          stage: 'classify',
          page,
          result: { pageNo: page, label: 'floor_plan', confidence: 0.9, method: 'text' },
        },
        { discriminator: `classify|${page}` },
      ),
      causedEvent(
        ocr,
        'StageCompleted',
        {
          ...base,
          stage: 'scale',
          page,
          result: { pageNo: page, findings: [], primary: null },
        },
        { discriminator: `scale|${page}` },
      ),
    );
  }
  return events;
}

const positioned = (events: JobEvent[]) =>
  events.map((event, i) => ({
    event,
    topic: event.type === 'JobRequested' ? 'jobs.requested' : 'documents.events',
    partition: 0,
    offset: String(i),
  }));

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'document-projection-test', 2);
});

afterAll(async () => {
  await dataSource?.destroy();
});

describe('document projection', () => {
  it('is READY once every page has its classification and scale, in one batch', async () => {
    const req = request();
    await dataSource.transaction((m) => applyEvents(m, positioned(pipeline(req))));
    const document = await new DocumentQueries(dataSource).getDocument('default', req.jobId);
    expect(document).toMatchObject({ status: 'READY', pageCount: 2, filename: 'a.pdf' });
    expect(document?.pages.map((p) => p.status)).toEqual(['READY', 'READY']);
  });

  it('is READY whatever the order and batching of the page events', async () => {
    const req = request();
    const events = pipeline(req);
    for (const event of [...events].reverse())
      await dataSource.transaction((m) => applyEvents(m, positioned([event])));
    const document = await new DocumentQueries(dataSource).getDocument('default', req.jobId);
    expect(document?.status).toBe('READY');
    expect(document?.pages.every((p) => p.classification !== null && p.scale !== null)).toBe(true);
  });

  it('stays PROCESSING while a page lacks its classification', async () => {
    const req = request();
    const events = pipeline(req).filter(
      (e) => !(e.type === 'StageCompleted' && e.data.stage === 'classify' && e.data.page === 2),
    );
    await dataSource.transaction((m) => applyEvents(m, positioned(events)));
    expect((await new DocumentQueries(dataSource).getDocument('default', req.jobId))?.status).toBe(
      'PROCESSING',
    );
  });

  it('re-runs classify for a document: pages start over, READY again with the new labels', async () => {
    const req = request();
    const events = pipeline(req);
    await dataSource.transaction((m) => applyEvents(m, positioned(events)));
    const queries = new DocumentQueries(dataSource);
    // Run 1 from classify: copies of the OCR completions, then classify and scale follow them.
    const ocrCopies = events
      .filter((e) => e.type === 'StageCompleted' && e.data.stage === 'ocr')
      .map((e) => rerunEvent(e, 1));
    const run1: JobEvent[] = [];
    for (const ocr of ocrCopies) {
      if (ocr.type !== 'StageCompleted' || ocr.data.page === undefined) throw new Error('fixture');
      const page = ocr.data.page;
      const base = { stageVersion: 'documents@1', attempt: 1, page };
      run1.push(
        causedEvent(
          ocr,
          'StageCompleted',
          {
            ...base,
            stage: 'classify',
            result: { pageNo: page, label: 'elevation', confidence: 0.8, method: 'text' },
          },
          { discriminator: `classify|${page}` },
        ),
        causedEvent(
          ocr,
          'StageCompleted',
          {
            ...base,
            stage: 'scale',
            result: { pageNo: page, findings: [], primary: null },
          },
          { discriminator: `scale|${page}` },
        ),
      );
    }
    await dataSource.transaction((m) => applyEvents(m, positioned(ocrCopies)));
    const restarted = await queries.getDocument('default', req.jobId);
    expect(restarted?.status).toBe('PROCESSING');
    expect(restarted?.pages.map((p) => [p.status, p.classification])).toEqual([
      ['PROCESSING', null],
      ['PROCESSING', null],
    ]);
    await dataSource.transaction((m) => applyEvents(m, positioned(run1)));
    const done = await queries.getDocument('default', req.jobId);
    expect(done?.status).toBe('READY');
    expect(done?.pages.map((p) => p.classification?.label)).toEqual(['elevation', 'elevation']);
    const [job]: { status: string; run: number }[] = await dataSource.query(
      `SELECT status, run FROM jobs WHERE id = $1`,
      [req.jobId],
    );
    expect(job).toEqual({ status: 'SUCCEEDED', run: 1 });
  });
});
