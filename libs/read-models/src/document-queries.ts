import type { DataSource } from 'typeorm';
import type { JobError, PageClassificationDto, PageScaleDto } from '@app/contracts';

export type DocumentStatus = 'UPLOADED' | 'PROCESSING' | 'READY' | 'ERROR';

export interface DocumentPageView {
  pageNo: number;
  status: string;
  engine: string | null;
  text: string | null;
  /** As the classify and scale stages published them (validated when consumed). */
  classification: PageClassificationDto | null;
  scale: PageScaleDto | null;
  error: JobError | null;
}

/** Pages finished (READY) out of the page count; the total is null until split has counted them. */
export interface DocumentProgressView {
  pagesDone: number;
  pagesTotal: number | null;
}

/** Why a document is ERROR: the failing page (null when the whole document failed, e.g. at split). */
export interface DocumentErrorView {
  page: number | null;
  code: string;
  message: string;
}

export interface DocumentView {
  id: string;
  status: DocumentStatus;
  filename: string | null;
  mediaType: string | null;
  size: number | null;
  sha256: string | null;
  pageCount: number | null;
  progress: DocumentProgressView;
  error: DocumentErrorView | null;
  pages: DocumentPageView[];
}

interface StoredError {
  code?: unknown;
  message?: unknown;
}

const STATUS_OF_JOB: Record<string, DocumentStatus> = {
  PENDING: 'UPLOADED',
  RUNNING: 'PROCESSING',
  SUCCEEDED: 'READY',
  FAILED: 'ERROR',
  CANCELLED: 'ERROR',
};

/** A page's rendered image: its blob (the document's tenant and the PNG's sha256) and size in pixels. */
export interface DocumentPageImageView {
  tenant: string;
  key: string;
  width: number;
  height: number;
}

/** Reads of the document read models for `GET /documents/{id}` and its pages' images. */
export class DocumentQueries {
  constructor(private readonly dataSource: DataSource) {}

  async getDocument(tenantId: string | null, id: string): Promise<DocumentView | null> {
    const rows: {
      status: string;
      error: StoredError | null;
      filename: string | null;
      media_type: string | null;
      size: string | null;
      sha256: string | null;
      page_count: number | null;
    }[] = await this.dataSource.query(
      `SELECT j.status, j.error, d.filename, d.media_type, d.size, d.sha256, d.page_count
       FROM jobs j LEFT JOIN documents d ON d.job_id = j.id
       WHERE j.id = $1 AND ($2::text IS NULL OR j.tenant_id = $2) AND j.requested AND j.type = 'document'`,
      [id, tenantId],
    );
    const row = rows[0];
    if (!row) return null;
    const pages: {
      page_no: number;
      status: string;
      engine: string | null;
      text: string | null;
      classification: PageClassificationDto | null;
      scale: PageScaleDto | null;
      error: (JobError & StoredError) | null;
    }[] = await this.dataSource.query(
      `SELECT page_no, status, engine, text, classification, scale, error FROM document_pages
       WHERE job_id = $1 ORDER BY page_no`,
      [id],
    );
    const status = STATUS_OF_JOB[row.status] ?? 'PROCESSING';
    return {
      id,
      status,
      filename: row.filename,
      mediaType: row.media_type,
      size: row.size === null ? null : Number(row.size),
      sha256: row.sha256,
      pageCount: row.page_count,
      progress: {
        pagesDone: pages.filter((page) => page.status === 'READY').length,
        pagesTotal: row.page_count,
      },
      error: status === 'ERROR' ? documentError(row.status, row.error, pages) : null,
      pages: pages.map((page) => ({
        pageNo: page.page_no,
        status: page.status,
        engine: page.engine,
        text: page.text,
        classification: page.classification,
        scale: page.scale,
        error: page.error,
      })),
    };
  }

  /**
   * The image split rendered for page `pageNo` of document `id`, as the tenant sees it (null for an
   * admin: every tenant), or null: no such document (or another tenant's), not split yet, no such page.
   * Read from the newest run's split outcome in the job's history (the page rows keep no image).
   */
  async getPageImage(
    tenantId: string | null,
    id: string,
    pageNo: number,
  ): Promise<DocumentPageImageView | null> {
    const rows: { tenant_id: string; pages: unknown }[] = await this.dataSource.query(
      `SELECT j.tenant_id, e.envelope->'data'->'result'->'pages' AS pages
       FROM jobs j JOIN job_events e ON e.job_id = j.id
       WHERE j.id = $1 AND ($2::text IS NULL OR j.tenant_id = $2) AND j.requested AND j.type = 'document'
         AND e.type = 'StageCompleted' AND e.envelope->'data'->>'stage' = 'split'
       ORDER BY COALESCE((e.envelope->>'run')::int, 0) DESC, e.occurred_at DESC
       LIMIT 1`,
      [id, tenantId],
    );
    const pages = rows[0]?.pages;
    if (!Array.isArray(pages)) return null;
    const page = (pages as { pageNo?: unknown; image?: unknown; width?: unknown; height?: unknown }[]).find(
      (candidate) => candidate.pageNo === pageNo,
    );
    if (!page || typeof page.image !== 'string') return null;
    return {
      tenant: rows[0].tenant_id,
      key: page.image,
      width: Number(page.width),
      height: Number(page.height),
    };
  }
}

/** The first page that failed for good, else the job's own error (a failed split, a cancellation). */
function documentError(
  jobStatus: string,
  jobError: StoredError | null,
  pages: { page_no: number; status: string; error: StoredError | null }[],
): DocumentErrorView {
  const failed = pages.find((page) => page.status === 'FAILED');
  const cause = failed?.error ?? jobError;
  const fallback = jobStatus === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
  return {
    page: failed ? failed.page_no : null,
    code: typeof cause?.code === 'string' ? cause.code : fallback,
    message:
      typeof cause?.message === 'string'
        ? cause.message
        : jobStatus === 'CANCELLED'
          ? 'the document was cancelled'
          : 'the document failed',
  };
}
