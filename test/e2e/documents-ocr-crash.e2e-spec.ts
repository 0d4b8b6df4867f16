import { drawingSheet } from '../../services/documents/src/core/testing/drawing-sheets';
import { ApiClient } from '../support/api-client';
import {
  completedStages,
  finishedDocument,
  scannedDrawingSet,
  uploadDocument,
} from '../support/document-client';
import { SystemUnderTest } from '../support/system-under-test';
import { eventually } from '../support/wait';

const PAGES = 8;
const DPI = 100;

/**
 * OCR runs as its own documents process (DOCUMENTS_STAGES=ocr). It is SIGKILLed while the pages of a
 * scanned set are in flight and started again: no page is lost and none is recorded twice.
 */
describe('killing the OCR stage mid-document (end to end)', () => {
  let system: SystemUnderTest;
  let api: ApiClient;
  let ocr: string;

  beforeAll(async () => {
    system = await SystemUnderTest.start({
      services: ['gateway', 'projector'],
      env: { DOCUMENTS_DPI: String(DPI), OCR_WORKERS: '1' },
    });
    system.startService('documents', 1, { DOCUMENTS_STAGES: 'split,classify,scale' });
    ocr = system.startService('documents', 2, { DOCUMENTS_STAGES: 'ocr' });
    api = new ApiClient(system.baseUrl);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const ocrPages = async (id: string): Promise<string[]> =>
    (await completedStages(api, id)).filter((stage) => stage.startsWith('ocr:'));

  it('loses no page and duplicates none', async () => {
    const pdf = await scannedDrawingSet(PAGES, DPI);
    const accepted = await uploadDocument(system.baseUrl, pdf, 'crash-set.pdf');
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
    const exit = await system.supervisor.kill(ocr, 'SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    // The kill hit mid-document: pages were still waiting for OCR.
    expect(doneBeforeKill).toBeLessThan(PAGES);

    await system.supervisor.restart(ocr);
    const document = await finishedDocument(api, id, 240_000);

    expect(document.status).toBe('READY');
    expect(document.progress).toEqual({ pagesDone: PAGES, pagesTotal: PAGES });
    expect(document.pages.map((page) => [page.pageNo, page.status, page.engine])).toEqual(
      Array.from({ length: PAGES }, (_, i) => [i + 1, 'READY', 'tesseract']),
    );
    expect(document.pages.map((page) => page.classification?.label)).toEqual(
      Array.from({ length: PAGES }, (_, i) => drawingSheet(i).label),
    );
    const completed = await completedStages(api, id);
    for (const stage of ['ocr', 'classify', 'scale']) {
      const pages = completed.filter((entry) => entry.startsWith(`${stage}:`)).sort();
      expect(pages).toEqual(Array.from({ length: PAGES }, (_, i) => `${stage}:${i + 1}`).sort());
    }
    expect(completed.filter((entry) => entry === 'split:-')).toHaveLength(1);
  }, 480_000);
});
