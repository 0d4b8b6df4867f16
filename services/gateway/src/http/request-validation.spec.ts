import 'reflect-metadata';
import type { ClassConstructor } from 'class-transformer';
import { differentialTally, riskInputs, whyNoPlan } from '@app/contracts/testing';
import { ListDeadLettersQuery } from '../admin/dlq/dto/list-dead-letters.query';
import { ReplayRequest } from '../admin/replay/replay.request';
import { UploadDocumentFields } from '../documents/dto/upload-document.fields';
import { CreateJobRequest } from '../jobs/dto/create-job.request';
import { RiskJobInput, ScrapeJobInput } from '../jobs/dto/job-inputs';
import { ListJobsQuery } from '../jobs/dto/list-jobs.query';

/** Query objects from Express's parser have no prototype. */
function asQuery(fields: Record<string, unknown>): object {
  return Object.assign(Object.create(null) as object, fields);
}

const REQUESTS: [string, ClassConstructor<object>, () => object[]][] = [
  [
    'CreateJobRequest',
    CreateJobRequest,
    () => [
      { type: 'scrape', input: { url: 'https://example.com/' } },
      { type: 'risk', input: riskInputs()[0], priority: 'low' },
    ],
  ],
  [
    'ScrapeJobInput',
    ScrapeJobInput,
    () => [{ url: 'https://example.com/' }, { url: 'http://127.0.0.1:8080/a?b=c' }, { url: 'http://[::1]/' }],
  ],
  ['RiskJobInput', RiskJobInput, () => riskInputs()],
  ['UploadDocumentFields', UploadDocumentFields, () => [asQuery({}), asQuery({ priority: 'high' })]],
  [
    'ListJobsQuery',
    ListJobsQuery,
    () => [
      {},
      asQuery({ status: 'RUNNING' }),
      { status: 'SUCCEEDED', type: 'scrape', limit: '200', cursor: 'abc' },
      asQuery({
        priority: 'high',
        correlationId: 'my-req-1',
        createdAfter: '2026-12-07T00:00:00Z',
        createdBefore: '2026-12-08T00:00:00.5+01:00',
      }),
    ],
  ],
  [
    'ListDeadLettersQuery',
    ListDeadLettersQuery,
    () => [
      {},
      asQuery({ reason: 'retriesExhausted' }),
      { reason: 'invalidMessage', topic: 'jobs.requested', limit: '1', cursor: 'abc' },
      asQuery({ tenant: 'acme' }),
    ],
  ],
  [
    'ReplayRequest',
    ReplayRequest,
    () => [
      { stage: 'scrape', from: 'earliest' },
      { stage: 'ocr', jobId: '3b241101-e2bb-4255-8caf-4136c566a962' },
      { stage: 'scrape', from: '2026-11-25T10:00:00+01:00' },
    ],
  ],
];

describe('gateway request DTOs: fast validation vs class-transformer + class-validator', () => {
  it.each(REQUESTS)(
    '%s has a plan and the fast path accepts nothing the reference rejects',
    (_, dto, valid) => {
      expect(whyNoPlan(dto)).toBeNull();
      const tally = differentialTally(dto, valid(), { seed: 7, combinedPerValue: 60 });
      expect(tally.mismatches).toEqual([]);
      expect(tally.fastAccepted).toBeGreaterThanOrEqual(valid().length);
      expect(tally.referenceRejected).toBeGreaterThan(100);
    },
  );
});
