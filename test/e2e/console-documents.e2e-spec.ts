import { buildTestPdf } from '@app/documents/testing';
import { fitsViewport, PHONE, useConsoleBrowser } from '../support/console-browser';
import { finishedDocument } from '../support/document-client';
import { DOOR_SCHEDULE_SHEET, FLOOR_PLAN_SHEET, NORTH_ELEVATION_SHEET } from '../support/drawing-sheets';
import { useSystemUnderTest } from '../support/e2e-system';
import { bearer, TEST_ADMIN_KEY } from '../support/test-keys';

/**
 * The console's Documents page in headless Chromium: a drawing set dropped on the page is uploaded,
 * and its pages show up live with their images, labels and scale boxes; the page images' route keeps
 * to the tenant like every document route. Screenshots go to test-artifacts/console/documents.
 */
describe('web console: documents (headless Chromium, end to end)', () => {
  const e2e = useSystemUnderTest({
    services: ['gateway', 'documents', 'projector'],
    env: { MAX_UPLOAD_BYTES: String(256 * 1024), DOCUMENTS_DPI: '72' },
  });
  const browser = useConsoleBrowser(() => e2e.system.baseUrl, 'documents');
  let documentId = '';

  it('uploads a drawing set dropped on the page and shows its pages with labels and scale boxes', async () => {
    const pdf = buildTestPdf([FLOOR_PLAN_SHEET, DOOR_SCHEDULE_SHEET, NORTH_ELEVATION_SHEET]);
    const page = await browser.signIn(TEST_ADMIN_KEY);
    await page.getByRole('link', { name: 'Documents' }).click();
    await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor();
    // A drop as the browser makes it: a DataTransfer holding the file (built in the page).
    const dataTransfer = await page.evaluateHandle(
      `(() => {
        const bytes = Uint8Array.from(atob('${pdf.toString('base64')}'), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'drawings.pdf', { type: 'application/pdf' }));
        return transfer;
      })()`,
    );
    await page.dispatchEvent('.dropzone', 'drop', { dataTransfer });
    await page.getByTestId('document-status').filter({ hasText: 'READY' }).waitFor({ timeout: 120_000 });
    documentId = decodeURIComponent(new URL(page.url()).hash.replace('#/documents/', ''));
    expect(documentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('drawings.pdf');
    // The upload's bytes (XMLHttpRequest upload events), next to the pages' progress: all of the
    // multipart body, which holds the whole file.
    const uploaded = await page.getByTestId('upload-progress').textContent();
    const [sent, total] = (/: ([\d,]+) of ([\d,]+) bytes/.exec(uploaded ?? '') ?? [])
      .slice(1)
      .map((n) => Number(n.replace(/,/g, '')));
    expect(uploaded).toMatch(/^Uploaded drawings\.pdf: /);
    expect(sent).toBe(total);
    expect(total).toBeGreaterThan(pdf.length);

    const pages = page.getByRole('list', { name: 'Pages' }).locator('li.page');
    expect(await pages.count()).toBe(3);
    const card = (n: number) => page.locator(`li.page[data-page-no="${n}"]`);
    expect(await card(1).getByTestId('page-label').textContent()).toMatch(/^floor_plan /);
    expect(await card(2).getByTestId('page-label').textContent()).toMatch(/^schedule /);
    expect(await card(3).getByTestId('page-label').textContent()).toMatch(/^elevation /);
    expect(await card(1).getByTestId('page-scale').textContent()).toMatch(/^scale 1:100 /);
    expect(await card(2).getByTestId('page-scale').textContent()).toMatch(/^not to scale /);
    expect(await card(3).getByTestId('page-scale').textContent()).toMatch(/^scale 1:48 /);
    for (const n of [1, 2, 3]) {
      const image = card(n).getByRole('img', { name: `Page ${n}` });
      await image.waitFor();
      // Decoded and shown (browser-side code as a string: the tests compile without the DOM's types).
      await page.waitForFunction(
        `(() => { const img = document.querySelector('li.page[data-page-no="${n}"] img'); ` +
          'return img !== null && img.complete && img.naturalWidth > 0; })()',
      );
    }
    // The primary scale notation's box, drawn over the page image where OCR found it.
    const box = card(1).locator('rect.primary');
    expect(await box.count()).toBe(1);
    expect(Number(await box.getAttribute('width'))).toBeGreaterThan(0);
    await browser.screenshot(page, 'document-pages');
    await page.context().close();

    const phone = await browser.signIn(TEST_ADMIN_KEY, PHONE);
    await phone.goto(`${e2e.system.baseUrl}/console#/documents/${documentId}`);
    await phone.getByTestId('document-status').filter({ hasText: 'READY' }).waitFor();
    expect(await fitsViewport(phone)).toBe(true);
    await browser.screenshot(phone, 'document-pages-390x844');
    await phone.context().close();
  });

  it('serves a page’s image to its tenant only: another tenant gets 404, as for the document', async () => {
    expect((await finishedDocument(e2e.api, documentId)).status).toBe('READY');
    const image = await fetch(`${e2e.system.baseUrl}/documents/${documentId}/pages/1/image`, {
      headers: bearer(),
    });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');

    const other = await e2e.api.request('POST', '/admin/keys', {
      json: { tenant: 'globex', role: 'member', expiresAt: null },
    });
    const otherKey = other.body.key as string;
    for (const path of [`/documents/${documentId}`, `/documents/${documentId}/pages/1/image`]) {
      const refused = await fetch(`${e2e.system.baseUrl}${path}`, { headers: bearer(otherKey) });
      expect([path, refused.status]).toEqual([path, 404]);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    const missingPage = await e2e.api.request('GET', `/documents/${documentId}/pages/4/image`);
    expect(missingPage.status).toBe(404);
    const badPage = await e2e.api.request('GET', `/documents/${documentId}/pages/0/image`);
    expect(badPage.status).toBe(400);
    expect(badPage.body).toMatchObject({ errors: [{ path: 'page' }] });
    const notUuid = await e2e.api.request('GET', '/documents/nope/pages/1/image');
    expect(notUuid.status).toBe(404);
  });
});
