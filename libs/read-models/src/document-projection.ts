import { DOCUMENT_STAGES, EventTypes, runOf, type JobEvent, type JobRequested } from '@app/contracts';

interface Query {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const TERMINAL = `('SUCCEEDED','FAILED','CANCELLED')`;

export function isDocumentStage(stage: unknown): boolean {
  return (DOCUMENT_STAGES as readonly unknown[]).includes(stage);
}

/**
 * The document read models: the upload (from the request), its pages (from split), and each page's
 * OCR text, classification and scale (from the per-page stages, in any order). The job SUCCEEDS when
 * every page has its classification and scale: the fan-in of the per-page fan-out. A page (or the page
 * list) starts over when an event of a newer run of the job reaches it.
 */
export async function foldDocumentEvent(manager: Query, event: JobEvent): Promise<void> {
  if (event.type === EventTypes.JobRequested) return foldUpload(manager, event);
  const run = runOf(event);
  if (event.type === EventTypes.StageFailed && isDocumentStage(event.data.stage)) {
    if (event.data.page !== undefined) {
      await upsertPage(manager, event.jobId, event.data.page, run, {
        status: 'FAILED',
        error: event.data.error,
      });
    }
    return;
  }
  if (event.type !== EventTypes.StageCompleted || !isDocumentStage(event.data.stage)) return;
  const { stage, result, page } = event.data;
  if (stage === 'split') {
    const pageCount = result.pageCount as number;
    await manager.query(
      `INSERT INTO documents (job_id, page_count, run) VALUES ($1, $2, $3)
       ON CONFLICT (job_id) DO UPDATE SET page_count = EXCLUDED.page_count, run = EXCLUDED.run
       WHERE documents.run <= EXCLUDED.run`,
      [event.jobId, pageCount, run],
    );
    await manager.query(
      `INSERT INTO document_pages (job_id, page_no, status, run)
       SELECT $1, n, 'PROCESSING', $3 FROM generate_series(1, $2::int) AS n
       ON CONFLICT (job_id, page_no) DO UPDATE SET status = 'PROCESSING', engine = NULL, text = NULL,
         classification = NULL, scale = NULL, error = NULL, run = EXCLUDED.run
       WHERE document_pages.run < EXCLUDED.run`,
      [event.jobId, pageCount, run],
    );
    // Page results may have been folded before the split (cross-topic order is not guaranteed).
    await completeJobWhenEveryPageIsReady(manager, event.jobId, event.occurredAt);
  } else if (page !== undefined && stage === 'ocr') {
    await upsertPage(manager, event.jobId, page, run, { engine: result.engine, text: result.text });
  } else if (page !== undefined && stage === 'classify') {
    const { label, confidence, method } = result;
    await upsertPage(manager, event.jobId, page, run, { classification: { label, confidence, method } });
    await completeWhenEveryPageIsDone(manager, event.jobId, page, event.occurredAt);
  } else if (page !== undefined && stage === 'scale') {
    await upsertPage(manager, event.jobId, page, run, {
      scale: { findings: result.findings, primary: result.primary },
    });
    await completeWhenEveryPageIsDone(manager, event.jobId, page, event.occurredAt);
  }
}

async function foldUpload(manager: Query, event: JobRequested): Promise<void> {
  if (event.data.jobType !== 'document') return;
  const blob = (
    event.data.input as { blob: { key: string; size: number; mediaType: string; filename: string } }
  ).blob;
  await manager.query(
    `INSERT INTO documents (job_id, filename, media_type, size, sha256) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (job_id) DO UPDATE SET filename = EXCLUDED.filename, media_type = EXCLUDED.media_type,
       size = EXCLUDED.size, sha256 = EXCLUDED.sha256`,
    [event.jobId, blob.filename, blob.mediaType, blob.size, blob.key],
  );
}

/**
 * Sets the given columns of a page (creating its row if split's event has not been folded yet). An
 * event of a newer run replaces the page's earlier run; one of an older run changes nothing.
 */
async function upsertPage(
  manager: Query,
  jobId: string,
  pageNo: number,
  run: number,
  fields: {
    status?: string;
    engine?: unknown;
    text?: unknown;
    classification?: object;
    scale?: object;
    error?: object;
  },
): Promise<void> {
  const json = (value: object | undefined): string | null =>
    value === undefined ? null : JSON.stringify(value);
  await manager.query(
    `INSERT INTO document_pages (job_id, page_no, status, engine, text, classification, scale, error, run)
     VALUES ($1, $2, COALESCE($3, 'PROCESSING'), $4, $5, $6, $7, $8, $9)
     ON CONFLICT (job_id, page_no) DO UPDATE SET
       status = CASE
         WHEN document_pages.run < EXCLUDED.run THEN EXCLUDED.status
         WHEN document_pages.status IN ('FAILED', 'READY') AND $3::text IS DISTINCT FROM 'FAILED'
           THEN document_pages.status
         ELSE COALESCE($3, document_pages.status) END,
       engine = ${latest('engine')},
       text = ${latest('text')},
       classification = ${latest('classification')},
       scale = ${latest('scale')},
       error = ${latest('error')},
       run = EXCLUDED.run
     WHERE document_pages.run <= EXCLUDED.run`,
    [
      jobId,
      pageNo,
      fields.status ?? null,
      fields.engine ?? null,
      fields.text ?? null,
      json(fields.classification),
      json(fields.scale),
      json(fields.error),
      run,
    ],
  );
}

/**
 * classify and scale both follow ocr and run side by side: a page is READY once it has both, and the
 * job SUCCEEDS once every page is READY (whichever of the two arrives last triggers it).
 */
async function completeWhenEveryPageIsDone(
  manager: Query,
  jobId: string,
  pageNo: number,
  at: string,
): Promise<void> {
  await manager.query(
    `UPDATE document_pages SET status = 'READY'
     WHERE job_id = $1 AND page_no = $2 AND status = 'PROCESSING' AND scale IS NOT NULL AND classification IS NOT NULL`,
    [jobId, pageNo],
  );
  await completeJobWhenEveryPageIsReady(manager, jobId, at);
}

/** A page column after an upsert: the event's value, else (same run) the page's earlier one. */
function latest(column: string): string {
  return `CASE WHEN document_pages.run < EXCLUDED.run THEN EXCLUDED.${column}
    ELSE COALESCE(EXCLUDED.${column}, document_pages.${column}) END`;
}

async function completeJobWhenEveryPageIsReady(manager: Query, jobId: string, at: string): Promise<void> {
  await manager.query(
    `UPDATE jobs SET status = 'SUCCEEDED', finished_at = $2, error = NULL,
       result = jsonb_build_object('pageCount', d.page_count)
     FROM documents d
     WHERE jobs.id = $1 AND d.job_id = $1 AND jobs.status NOT IN ${TERMINAL}
       AND d.page_count IS NOT NULL
       AND (SELECT count(*) FROM document_pages p
            WHERE p.job_id = $1 AND p.status = 'READY' AND p.run = jobs.run) >= d.page_count`,
    [jobId, at],
  );
}
