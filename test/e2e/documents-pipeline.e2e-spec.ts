import { buildTestPdf, encodeGrayPng, solidGray } from '@app/documents/testing';
import { completedStages, finishedDocument, uploadDocument } from '../support/document-client';
import { bearer } from '../support/test-keys';
import { DOOR_SCHEDULE_SHEET, FLOOR_PLAN_SHEET, NORTH_ELEVATION_SHEET } from '../support/drawing-sheets';
import { useSystemUnderTest } from '../support/e2e-system';

/** A three-sheet drawing set: a floor plan at 1:100, a door schedule, and an elevation at 1/4" = 1'-0". */
function drawingSet(): Buffer {
  return buildTestPdf([FLOOR_PLAN_SHEET, DOOR_SCHEDULE_SHEET, NORTH_ELEVATION_SHEET]);
}

describe('document pipeline (end to end)', () => {
  const e2e = useSystemUnderTest({
    services: ['gateway', 'documents', 'projector'],
    env: { MAX_UPLOAD_BYTES: String(256 * 1024), DOCUMENTS_DPI: '72' },
  });

  const upload = (bytes: Buffer, filename: string): ReturnType<typeof uploadDocument> =>
    uploadDocument(e2e.system.baseUrl, bytes, filename);
  const ready = (id: string): ReturnType<typeof finishedDocument> => finishedDocument(e2e.api, id);

  it('splits, reads, classifies and finds the scale of every page', async () => {
    const pdf = drawingSet();
    const accepted = await upload(pdf, 'set.pdf');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      type: 'document',
      status: 'PENDING',
      document: {
        filename: 'set.pdf',
        mediaType: 'application/pdf',
        size: pdf.length,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    const id = accepted.body.id as string;
    const document = await ready(id);
    expect(document.status).toBe('READY');
    expect(document.pageCount).toBe(3);
    expect(document.progress).toEqual({ pagesDone: 3, pagesTotal: 3 });
    expect(document.error).toBeNull();
    expect(document.pages.map((page) => page.pageNo)).toEqual([1, 2, 3]);
    for (const page of document.pages) {
      expect(page.engine).toBe('pdf-text');
      expect(page.status).toBe('READY');
    }
    const [plan, schedule, elevation] = document.pages;
    expect(plan.text).toContain('GROUND FLOOR PLAN');
    expect(plan.classification).toMatchObject({ label: 'floor_plan', method: 'text' });
    expect(schedule.classification).toMatchObject({ label: 'schedule', method: 'text' });
    expect(elevation.classification).toMatchObject({ label: 'elevation', method: 'text' });
    expect(plan.scale?.primary).toMatchObject({ ratio: 100 });
    expect(plan.scale?.primary).toHaveProperty('bbox');
    expect(schedule.scale?.findings).toEqual([expect.objectContaining({ notToScale: true })]);
    expect(elevation.scale?.primary).toMatchObject({ ratio: 48 });

    const job = await e2e.api.job(id);
    expect(job).toMatchObject({ type: 'document', status: 'SUCCEEDED' });
    const completed = await completedStages(e2e.api, id);
    expect(completed.sort()).toEqual(
      [
        'split:-',
        'ocr:1',
        'ocr:2',
        'ocr:3',
        'classify:1',
        'classify:2',
        'classify:3',
        'scale:1',
        'scale:2',
        'scale:3',
      ].sort(),
    );
  });

  it('ends a corrupt PDF FAILED with a clear code, and answers bad uploads with 4xx', async () => {
    const corrupt = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]);
    const accepted = await upload(corrupt, 'broken.pdf');
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;
    const document = await ready(id);
    expect(document.status).toBe('ERROR');
    expect(document.error).toEqual({ page: null, code: 'CORRUPT_DOCUMENT', message: expect.any(String) });
    expect(document.progress).toEqual({ pagesDone: 0, pagesTotal: null });
    const job = await e2e.api.job(id);
    expect(job.status).toBe('FAILED');
    expect((job.error as { code: string }).code).toBe('CORRUPT_DOCUMENT');

    const text = await upload(Buffer.from('just some text, not a drawing'), 'notes.pdf');
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toContain('application/problem+json');
    expect((await upload(Buffer.alloc(0), 'empty.pdf')).status).toBe(400);
    expect((await upload(Buffer.alloc(300 * 1024, 0x20), 'huge.pdf')).status).toBe(413);
    const noFile = await fetch(`${e2e.system.baseUrl}/documents`, {
      method: 'POST',
      body: new FormData(),
      headers: bearer(),
    });
    expect(noFile.status).toBe(400);
    expect((await e2e.api.request('GET', '/documents/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
  });

  it('runs an image page through Tesseract OCR', async () => {
    const png = encodeGrayPng(solidGray(200, 100, 255));
    const accepted = await upload(png, 'blank.png');
    expect(accepted.status).toBe(202);
    const document = await ready(accepted.body.id as string);
    expect(document.status).toBe('READY');
    expect(document.pages).toHaveLength(1);
    expect(document.pages[0].engine).toBe('tesseract');
    expect(document.pages[0].classification).toMatchObject({ label: 'other', method: 'vision' });
    expect(document.pages[0].scale).toEqual({ findings: [], primary: null });
  });

  it('describes the document resources in the OpenAPI document', async () => {
    const openapi = await e2e.api.request<{
      components: { schemas: Record<string, { properties: object }> };
    }>('GET', '/docs/openapi.json');
    const schemas = openapi.body.components.schemas;
    expect(Object.keys(schemas.DocumentResponse.properties)).toEqual(
      expect.arrayContaining(['id', 'status', 'filename', 'pageCount', 'progress', 'error', 'pages']),
    );
    expect(Object.keys(schemas.DocumentPageResponse.properties)).toEqual(
      expect.arrayContaining(['pageNo', 'status', 'text', 'classification', 'scale']),
    );
    expect(Object.keys(schemas.DocumentProgressResponse.properties)).toEqual(['pagesDone', 'pagesTotal']);
  });
});
