import type { DataSource } from 'typeorm';

export type DocumentStatus = 'UPLOADED' | 'PROCESSING' | 'READY' | 'ERROR';

export interface DocumentPageView {
  pageNo: number;
  status: string;
  engine: string | null;
  text: string | null;
  classification: Record<string, unknown> | null;
  scale: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
}

export interface DocumentView {
  id: string;
  status: DocumentStatus;
  filename: string | null;
  mediaType: string | null;
  size: number | null;
  sha256: string | null;
  pageCount: number | null;
  pages: DocumentPageView[];
}

const STATUS_OF_JOB: Record<string, DocumentStatus> = {
  PENDING: 'UPLOADED',
  RUNNING: 'PROCESSING',
  SUCCEEDED: 'READY',
  FAILED: 'ERROR',
  CANCELLED: 'ERROR',
};

/** Reads of the document read models for `GET /documents/{id}`. */
export class DocumentQueries {
  constructor(private readonly dataSource: DataSource) {}

  async getDocument(tenantId: string, id: string): Promise<DocumentView | null> {
    const rows: {
      status: string;
      filename: string | null;
      media_type: string | null;
      size: string | null;
      sha256: string | null;
      page_count: number | null;
    }[] = await this.dataSource.query(
      `SELECT j.status, d.filename, d.media_type, d.size, d.sha256, d.page_count
       FROM jobs j LEFT JOIN documents d ON d.job_id = j.id
       WHERE j.id = $1 AND j.tenant_id = $2 AND j.requested AND j.type = 'document'`,
      [id, tenantId],
    );
    const row = rows[0];
    if (!row) return null;
    const pages: {
      page_no: number;
      status: string;
      engine: string | null;
      text: string | null;
      classification: Record<string, unknown> | null;
      scale: Record<string, unknown> | null;
      error: Record<string, unknown> | null;
    }[] = await this.dataSource.query(
      `SELECT page_no, status, engine, text, classification, scale, error FROM document_pages
       WHERE job_id = $1 ORDER BY page_no`,
      [id],
    );
    return {
      id,
      status: STATUS_OF_JOB[row.status] ?? 'PROCESSING',
      filename: row.filename,
      mediaType: row.media_type,
      size: row.size === null ? null : Number(row.size),
      sha256: row.sha256,
      pageCount: row.page_count,
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
}
