import { drawingSheet } from '@app/documents/testing';
import {
  completedStages,
  finishedDocument,
  scannedDrawingSet,
  uploadDocument,
} from '../support/document-client';
import { useSystemUnderTest } from '../support/e2e-system';
import { eventually } from '../support/wait';

const PAGES = 8;
const DPI = 100;

/**
 * OCR runs as its own documents process (DOCUMENTS_STAGES=ocr). It is SIGKILLed while the pages of a
 * scanned set are in flight and started again: no page is lost and none is recorded twice.
 */
describe('killing the OCR stage mid-document (end to end)', () => {
  let ocr: string;

  const e2e = useSystemUnderTest({
    services: ['gateway', 'projector'],
    env: { DOCUMENTS_DPI: String(DPI), OCR_WORKERS: '1' },
  });
  beforeAll(async () => {
    e2e.system.startService('documents', 1, { DOCUMENTS_STAGES: 'split,classify,scale' });
    ocr = e2e.system.startService('documents', 2, { DOCUMENTS_STAGES: 'ocr' });
  });

  const ocrPages = async (id: string): Promise<string[]> =>
    (await completedStages(e2e.api, id)).filter((stage) => stage.startsWith('ocr:'));

  it('loses no page and duplicates none', async () => {
    const pdf = await scannedDrawingSet(PAGES, DPI);
    const accepted = await uploadDocument(e2e.system.baseUrl, pdf, 'crash-set.pdf');
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;

    const doneBeforeKill = await eventually(
      'the first OCR result',
      async () => {
        const done = await ocrPages(id);
        return done.length > 0 ? done.length : undefined;
      },
      180_000,
    );
    const exit = await e2e.system.supervisor.kill(ocr, 'SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    // The kill hit mid-document: pages were still waiting for OCR.
    expect(doneBeforeKill).toBeLessThan(PAGES);

    await e2e.system.supervisor.restart(ocr);
    const document = await finishedDocument(e2e.api, id, 240_000);

    expect(document.status).toBe('READY');
    expect(document.progress).toEqual({ pagesDone: PAGES, pagesTotal: PAGES });
    expect(document.pages.map((page) => [page.pageNo, page.status, page.engine])).toEqual(
      Array.from({ length: PAGES }, (_, i) => [i + 1, 'READY', 'tesseract']),
    );
    expect(document.pages.map((page) => page.classification?.label)).toEqual(
      Array.from({ length: PAGES }, (_, i) => drawingSheet(i).label),
    );
    const completed = await completedStages(e2e.api, id);
    for (const stage of ['ocr', 'classify', 'scale']) {
      const pages = completed.filter((entry) => entry.startsWith(`${stage}:`)).sort();
      expect(pages).toEqual(Array.from({ length: PAGES }, (_, i) => `${stage}:${i + 1}`).sort());
    }
    expect(completed.filter((entry) => entry === 'split:-')).toHaveLength(1);
  }, 480_000);
});
