import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { buildTestPdf, drawingSheet, drawingSheetPage } from '@app/documents/testing';
import { ApiClient } from '../support/api-client';
import { finishedDocument, uploadDocument } from '../support/document-client';
import { LocalS3Server } from '../support/s3-server';
import { SystemUnderTest } from '../support/system-under-test';

/** The whole document pipeline with BLOB_STORE=s3, against a real S3-compatible server (s3rver). */
describe('document pipeline on an S3-compatible blob store (end to end)', () => {
  let s3: LocalS3Server;
  let system: SystemUnderTest;
  let api: ApiClient;

  beforeAll(async () => {
    s3 = await LocalS3Server.start('documents-e2e');
    system = await SystemUnderTest.start({
      services: ['gateway', 'documents', 'projector'],
      env: { ...s3.env(), DOCUMENTS_DPI: '72' },
    });
    api = new ApiClient(system.baseUrl);
  });

  afterAll(async () => {
    await system?.stop();
    await s3?.stop();
  });

  const bucketKeys = async (): Promise<string[]> => {
    const env = s3.env();
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: env.S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '');
    } finally {
      client.destroy();
    }
  };

  it('stores the upload and its pages in the bucket and finishes every page', async () => {
    const sheets = [1, 2, 6].map((i) => drawingSheet(i));
    const pdf = buildTestPdf(sheets.map((sheet) => drawingSheetPage(sheet)));
    const accepted = await uploadDocument(system.baseUrl, pdf, 'set-on-s3.pdf');
    expect(accepted.status).toBe(202);
    const sha256 = (accepted.body.document as { sha256: string }).sha256;
    // Among the uploading key's tenant's objects (the harness key's tenant is `default`).
    expect(await bucketKeys()).toContain(`tenants/default/${sha256}`);

    const document = await finishedDocument(api, accepted.body.id as string);
    expect(document).toMatchObject({
      status: 'READY',
      pageCount: 3,
      progress: { pagesDone: 3, pagesTotal: 3 },
    });
    expect(document.pages.map((page) => page.classification?.label)).toEqual(sheets.map((s) => s.label));
    expect(document.pages.map((page) => page.scale?.primary?.ratio ?? null)).toEqual(
      sheets.map((s) => s.ratio),
    );
    // The upload, and per page its image and text layer: the split read and wrote through S3.
    expect((await bucketKeys()).length).toBeGreaterThanOrEqual(1 + 2 * 3);
  });
});
