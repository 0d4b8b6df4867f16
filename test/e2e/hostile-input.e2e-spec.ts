import { uploadDocument } from '../support/document-client';
import { HostileCorpus, type HostileCase } from '../support/hostile-corpus';
import { useSystemUnderTest } from '../support/e2e-system';
import { rawExchange, type RawOutcome } from '../support/raw-http';
import { SeededRandom } from '../support/seeded-random';
import { TestSite } from '../support/test-site';

/**
 * Issue 12 point 2, "no request can make the gateway answer 5xx or fall over", end to end: a seeded
 * corpus of about a thousand hostile requests (nesting 10,000 deep, huge arrays, long strings, many and
 * duplicate keys, prototype keys, invalid UTF-8 and lone surrogates, out-of-range numbers, wrong media
 * types and charsets, empty and truncated bodies, bad gzip, broken headers, hostile query strings,
 * paths and multipart uploads) sent as raw bytes to every route, interleaved with valid scrape jobs.
 * Every answer is below 500, every 4xx is problem+json, the gateway stays up, and the valid jobs
 * succeed. `HOSTILE_INPUT_SEED=<seed>` replays a run.
 */
describe('hostile input at the gateway (end to end)', () => {
  const site = new TestSite();
  const e2e = useSystemUnderTest({
    site,
    services: ['gateway', 'scraper', 'projector'],
    env: { SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1', SCRAPER_TIMEOUT_MS: '5000', MAX_UPLOAD_BYTES: '65536' },
  });
  const random = SeededRandom.fromEnv('HOSTILE_INPUT_SEED');
  const CONCURRENCY = 6;
  const VALID_JOB_EVERY = 40;

  /** What `POST /jobs {}` answers: any prototype pollution would change it (an inherited `type`, ...). */
  async function emptyBodyAnswer(): Promise<unknown> {
    const response = await e2e.api.submit({});
    return { status: response.status, errors: response.body.errors };
  }

  it('answers every hostile request below 500, 4xx as problem+json, stays up, and runs valid jobs', async () => {
    const seedNote = `HOSTILE_INPUT_SEED=${random.seed}`;
    const port = Number(new URL(e2e.system.baseUrl).port);
    const siteUrl = `${site.baseUrl}/article`;
    const cases = new HostileCorpus(random, siteUrl).build();
    const before = await emptyBodyAnswer();
    expect(before).toMatchObject({ status: 400 });

    const failures: string[] = [];
    const statuses = new Map<string, number>();
    const jobIds: string[] = [];
    const validSubmissions: Promise<void>[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const index = next++;
        const hostile = cases[index];
        if (index % VALID_JOB_EVERY === 0) {
          validSubmissions.push(
            e2e.api.submitScrape(siteUrl).then((id) => {
              jobIds.push(id);
            }),
          );
        }
        const outcome = await rawExchange(port, hostile.bytes, { endAfterSend: hostile.endAfterSend });
        const problem = judge(hostile, outcome);
        const key = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (problem) failures.push(`#${index} [${hostile.category}] ${hostile.name}: ${problem}`);
        if (outcome.kind === 'response' && outcome.status === 202 && hostile.name.startsWith('POST /jobs')) {
          jobIds.push((JSON.parse(outcome.body) as { id: string }).id);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await Promise.all(validSubmissions);

    console.log(
      `${seedNote}: ${cases.length} hostile requests, answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect({ seed: seedNote, failures: failures.slice(0, 30), count: failures.length }).toEqual({
      seed: seedNote,
      failures: [],
      count: 0,
    });

    expect(e2e.system.unexpectedExits).toEqual([]);
    expect(e2e.system.supervisor.get('gateway')?.running).toBe(true);
    expect((await e2e.api.request('GET', '/health/live')).status).toBe(200);
    expect(await emptyBodyAnswer()).toEqual(before);
    // The upload limits leave a normal upload alone (no document stage runs here: it stays pending).
    const upload = await uploadDocument(e2e.system.baseUrl, Buffer.from('%PDF-1.4\n%%EOF\n'), 'plan.pdf');
    expect([upload.status, upload.body.type]).toEqual([202, 'document']);

    expect(jobIds.length).toBeGreaterThanOrEqual(Math.floor(cases.length / VALID_JOB_EVERY));
    const finished = await Promise.all(jobIds.map((id) => e2e.api.terminal(id, 120_000)));
    expect(finished.filter((job) => job.status !== 'SUCCEEDED').map((job) => [job.id, job.error])).toEqual(
      [],
    );
  });
});

/** Why an outcome is wrong, or null: no answer at all, a 5xx, or a 4xx that is not problem+json. */
function judge(hostile: HostileCase, outcome: RawOutcome): string | null {
  if (outcome.kind === 'timeout') return 'no answer within 20 s';
  if (outcome.kind === 'closed') return `closed without an answer (${outcome.detail})`;
  if (outcome.status >= 500) return `answered ${outcome.status}: ${outcome.body.slice(0, 300)}`;
  if (outcome.status < 400) {
    return hostile.expected ? `answered ${outcome.status}, expected ${hostile.expected.status}` : null;
  }
  if (!(outcome.headers['content-type'] ?? '').startsWith('application/problem+json')) {
    return `answered ${outcome.status} as ${outcome.headers['content-type']}: ${outcome.body.slice(0, 200)}`;
  }
  let body: { status?: unknown; detail?: unknown };
  try {
    body = JSON.parse(outcome.body) as { status?: unknown; detail?: unknown };
  } catch {
    return `answered ${outcome.status} with a problem that is not JSON: ${outcome.body.slice(0, 200)}`;
  }
  if (body.status !== outcome.status || typeof body.detail !== 'string') {
    return `answered ${outcome.status} with ${outcome.body.slice(0, 200)} (${hostile.category})`;
  }
  const expected = hostile.expected;
  if (expected && (outcome.status !== expected.status || !expected.detail.test(body.detail))) {
    return `answered ${outcome.status} "${body.detail}", expected ${expected.status} matching ${String(expected.detail)}`;
  }
  return null;
}
