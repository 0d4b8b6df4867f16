import { drawingSheet } from '@app/documents/testing';
import { getDocument, scannedDrawingSet, uploadDocument } from '../support/document-client';
import { useSystemUnderTest } from '../support/e2e-system';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

const PAGES = 20;
/** Scan and render resolution: modest, so that 20 pages of Tesseract fit the 2-core test machine. */
const DPI = 100;

/** 60 deterministic daily returns per symbol (a linear congruential generator). */
function returns(seed: number): number[] {
  let state = seed;
  return Array.from({ length: 60 }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648 - 0.5) * 0.04;
  });
}

const riskJob = {
  type: 'risk',
  input: {
    method: 'historical',
    confidence: 0.99,
    horizonDays: 1,
    positions: [
      { symbol: 'AAA', quantity: 100, price: 50 },
      { symbol: 'BBB', quantity: -40, price: 120 },
    ],
    returns: { AAA: returns(1), BBB: returns(2) },
  },
};

/** A scanned 20-sheet set through split, OCR, classify and scale while scrape and risk jobs keep flowing. */
describe('scanned drawing set under mixed load (end to end)', () => {
  const site = new TestSite();

  const e2e = useSystemUnderTest({
    site,
    services: ['gateway', 'projector', 'documents', 'scraper', 'risk'],
    env: { SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1', DOCUMENTS_DPI: String(DPI), RISK_THREADS: '1' },
  });

  it('finishes every page READY with its label and scale while other jobs succeed alongside', async () => {
    const pdf = await scannedDrawingSet(PAGES, DPI);
    const accepted = await uploadDocument(e2e.system.baseUrl, pdf, 'scanned-set.pdf');
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;

    // Each time another page is done, one scrape and one risk job go in: work of other types arrives
    // throughout the document's run, not only before or after it.
    const otherJobs: string[] = [];
    let submittedAtPagesDone = -1;
    const document = await eventually(
      'the scanned set to finish',
      async () => {
        const current = await getDocument(e2e.api, id);
        if (current.status === 'READY' || current.status === 'ERROR') return current;
        if (current.status === 'PROCESSING' && current.progress.pagesDone > submittedAtPagesDone) {
          submittedAtPagesDone = current.progress.pagesDone;
          otherJobs.push(await e2e.api.submitScrape(`${site.baseUrl}/article`));
          const risk = await e2e.api.submit(riskJob);
          if (risk.status !== 202)
            throw new Error(`risk submit: ${risk.status} ${JSON.stringify(risk.body)}`);
          otherJobs.push(risk.body.id as string);
        }
        return undefined;
      },
      300_000,
    );

    expect(document.status).toBe('READY');
    expect(document.error).toBeNull();
    expect(document.progress).toEqual({ pagesDone: PAGES, pagesTotal: PAGES });
    expect(document.pages).toHaveLength(PAGES);
    document.pages.forEach((page, i) => {
      const sheet = drawingSheet(i);
      expect({ pageNo: page.pageNo, status: page.status, engine: page.engine }).toEqual({
        pageNo: i + 1,
        status: 'READY',
        engine: 'tesseract',
      });
      expect({ page: page.pageNo, label: page.classification?.label }).toEqual({
        page: i + 1,
        label: sheet.label,
      });
      expect({ page: page.pageNo, ratio: page.scale?.primary?.ratio }).toEqual({
        page: i + 1,
        ratio: sheet.ratio,
      });
    });
    // The scale sits in the title block: bottom left of the page image (612 x 396 pt at 100 DPI).
    const [x0, y0, x1, y1] = document.pages[1].scale?.primary?.bbox ?? [];
    expect(x0).toBeLessThan(x1);
    expect(x1).toBeLessThan(((612 * DPI) / 72) * 0.75);
    expect(y0).toBeGreaterThan(((396 * DPI) / 72) * 0.8);
    expect(y1).toBeLessThanOrEqual((396 * DPI) / 72);

    // Other job types kept flowing: every one succeeded, and some of each finished before the set did.
    expect(otherJobs.length).toBeGreaterThanOrEqual(2 * 5);
    const documentJob = await e2e.api.job(id);
    expect(documentJob.status).toBe('SUCCEEDED');
    const others = await Promise.all(otherJobs.map((job) => e2e.api.terminal(job, 120_000)));
    expect(others.map((job) => job.status)).toEqual(others.map(() => 'SUCCEEDED'));
    const finishedBeforeSet = others.filter(
      (job) => Date.parse(job.finishedAt as string) < Date.parse(documentJob.finishedAt as string),
    );
    expect(new Set(finishedBeforeSet.map((job) => job.type))).toEqual(new Set(['scrape', 'risk']));
  }, 480_000);
});
