import { bearer, TEST_ADMIN_KEY } from './test-keys';
import { buildScannedPdf, drawingSheet, drawingSheetPage } from '@app/documents/testing';
import { MupdfPool } from '@app/documents/core/mupdf/mupdf-pool';
import { DocumentSplitter } from '@app/documents/core/split/document-splitter';
import type { ApiClient } from './api-client';
import { eventually } from './wait';

export interface ScaleFindingBody {
  text: string;
  ratio: number | null;
  notToScale: boolean;
  bbox: number[] | null;
}

export interface DocumentPageBody {
  pageNo: number;
  status: string;
  engine: string | null;
  text: string | null;
  classification: { label: string; confidence: number; method: string } | null;
  scale: { findings: ScaleFindingBody[]; primary: ScaleFindingBody | null } | null;
  error: { code: string; message: string } | null;
}

export interface DocumentBody {
  id: string;
  status: 'UPLOADED' | 'PROCESSING' | 'READY' | 'ERROR';
  filename: string;
  pageCount: number | null;
  progress: { pagesDone: number; pagesTotal: number | null };
  error: { page: number | null; code: string; message: string } | null;
  pages: DocumentPageBody[];
}

export interface UploadResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** POST /documents with the bytes as multipart field `file`. */
export async function uploadDocument(
  baseUrl: string,
  bytes: Buffer,
  filename: string,
  key: string = TEST_ADMIN_KEY,
): Promise<UploadResponse> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const response = await fetch(`${baseUrl}/documents`, { method: 'POST', body: form, headers: bearer(key) });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

export async function getDocument(api: ApiClient, id: string): Promise<DocumentBody> {
  const response = await api.request<DocumentBody>('GET', `/documents/${id}`);
  if (response.status !== 200) throw new Error(`GET /documents/${id}: ${response.status}`);
  return response.body;
}

/** Waits until the document is READY or ERROR, and returns it. */
export function finishedDocument(api: ApiClient, id: string, timeoutMs = 120_000): Promise<DocumentBody> {
  return eventually(
    `document ${id} to finish`,
    async () => {
      const document = await getDocument(api, id);
      return ['READY', 'ERROR'].includes(document.status) ? document : undefined;
    },
    timeoutMs,
  );
}

/** `stage:page` of every StageCompleted in the job's projected event history. */
export async function completedStages(api: ApiClient, id: string): Promise<string[]> {
  const events = (
    await api.request<{ type: string; data: { stage?: string; page?: number } }[]>(
      'GET',
      `/jobs/${id}/events`,
    )
  ).body;
  return events
    .filter((event) => event.type === 'StageCompleted')
    .map((event) => `${event.data.stage}:${event.data.page ?? '-'}`);
}

/**
 * An images-only PDF of `pageCount` drawing sheets (cycling through DRAWING_SHEETS), each page an
 * image rendered at `dpi`: what a scanner makes of a drawing set.
 */
export async function scannedDrawingSet(pageCount: number, dpi: number): Promise<Buffer> {
  const pool = new MupdfPool({ maxThreads: 1 });
  try {
    const pages = Array.from({ length: pageCount }, (_, i) => drawingSheetPage(drawingSheet(i)));
    return await buildScannedPdf(new DocumentSplitter(pool), pages, dpi);
  } finally {
    await pool.destroy();
  }
}
