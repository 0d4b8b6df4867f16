import { DOCUMENT_STAGES, EventTypes, type JobEvent, type JobRequested } from '@app/contracts';

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
 * every page has its classification and scale: the fan-in of the per-page fan-out.
 */
export async function foldDocumentEvent(manager: Query, event: JobEvent): Promise<void> {
  if (event.type === EventTypes.JobRequested) return foldUpload(manager, event);
  if (event.type === EventTypes.StageFailed && isDocumentStage(event.data.stage)) {
    if (event.data.page !== undefined) {
      await upsertPage(manager, event.jobId, event.data.page, { status: 'FAILED', error: event.data.error });
    }
    return;
  }
  if (event.type !== EventTypes.StageCompleted || !isDocumentStage(event.data.stage)) return;
  const { stage, result, page } = event.data;
  if (stage === 'split') {
    const pageCount = result.pageCount as number;
    await manager.query(
      `INSERT INTO documents (job_id, page_count) VALUES ($1, $2)
       ON CONFLICT (job_id) DO UPDATE SET page_count = EXCLUDED.page_count`,
      [event.jobId, pageCount],
    );
    await manager.query(
      `INSERT INTO document_pages (job_id, page_no, status)
       SELECT $1, n, 'PROCESSING' FROM generate_series(1, $2::int) AS n
       ON CONFLICT (job_id, page_no) DO NOTHING`,
      [event.jobId, pageCount],
    );
    // Page results may have been folded before the split (cross-topic order is not guaranteed).
    await completeJobWhenEveryPageIsReady(manager, event.jobId, event.occurredAt);
  } else if (page !== undefined && stage === 'ocr') {
    await upsertPage(manager, event.jobId, page, { engine: result.engine, text: result.text });
  } else if (page !== undefined && stage === 'classify') {
    const { label, confidence, method } = result;
    await upsertPage(manager, event.jobId, page, { classification: { label, confidence, method } });
    await completeWhenEveryPageIsDone(manager, event.jobId, page, event.occurredAt);
  } else if (page !== undefined && stage === 'scale') {
    await upsertPage(manager, event.jobId, page, {
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

/** Sets the given columns of a page (creating its row if split's event has not been folded yet). */
async function upsertPage(
  manager: Query,
  jobId: string,
  pageNo: number,
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
    `INSERT INTO document_pages (job_id, page_no, status, engine, text, classification, scale, error)
     VALUES ($1, $2, COALESCE($3, 'PROCESSING'), $4, $5, $6, $7, $8)
     ON CONFLICT (job_id, page_no) DO UPDATE SET
       status = CASE WHEN document_pages.status IN ('FAILED', 'READY') AND $3::text IS DISTINCT FROM 'FAILED'
                     THEN document_pages.status ELSE COALESCE($3, document_pages.status) END,
       engine = COALESCE(EXCLUDED.engine, document_pages.engine),
       text = COALESCE(EXCLUDED.text, document_pages.text),
       classification = COALESCE(EXCLUDED.classification, document_pages.classification),
       scale = COALESCE(EXCLUDED.scale, document_pages.scale),
       error = COALESCE(EXCLUDED.error, document_pages.error)`,
    [
      jobId,
      pageNo,
      fields.status ?? null,
      fields.engine ?? null,
      fields.text ?? null,
      json(fields.classification),
      json(fields.scale),
      json(fields.error),
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

async function completeJobWhenEveryPageIsReady(manager: Query, jobId: string, at: string): Promise<void> {
  await manager.query(
    `UPDATE jobs SET status = 'SUCCEEDED', finished_at = $2, error = NULL,
       result = jsonb_build_object('pageCount', d.page_count)
     FROM documents d
     WHERE jobs.id = $1 AND d.job_id = $1 AND jobs.status NOT IN ${TERMINAL}
       AND d.page_count IS NOT NULL
       AND (SELECT count(*) FROM document_pages p WHERE p.job_id = $1 AND p.status = 'READY') >= d.page_count`,
    [jobId, at],
  );
}
