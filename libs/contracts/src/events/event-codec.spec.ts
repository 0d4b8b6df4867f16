import { deriveEventId } from '../event-id';
import type { FieldError } from '../field-error';
import {
  FIXED_TIME,
  jobRequested,
  oneOfEachType,
  stageAttemptFailed,
  stageCompleted,
  stageFailed,
  stageRetryScheduled,
  stageStarted,
} from '../../testing/event-fixtures';
import {
  decodeEvent,
  encodeEvent,
  InvalidEventError,
  validateEvent,
  type DecodeOutcome,
} from './event-codec';
import { setFastValidation } from '../validation';
import { causedEvent } from './event-factory';
import { EventTypes, type EventType } from './job-events';

type Rejection = Extract<DecodeOutcome, { ok: false }>;

/** Asserts the outcome is a rejection and returns it (typed). */
function rejected(outcome: DecodeOutcome): Rejection {
  if (outcome.ok) throw new Error(`expected a rejection, got a valid ${outcome.event.type}`);
  expect(outcome.reason).toEqual(expect.any(String));
  expect(outcome.errors.length).toBeGreaterThan(0);
  return outcome;
}

const paths = (errors: FieldError[]): string[] => errors.map((e) => e.path);

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** A deep copy as a loose record, so a test can break it. */
function mutable(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

describe('event codec', () => {
  describe('valid events', () => {
    const all = oneOfEachType();

    it('has a fixture for every event type', () => {
      expect(Object.keys(all).sort()).toEqual(Object.values(EventTypes).sort());
    });

    it.each(Object.keys(all) as EventType[])('%s round-trips through encodeEvent/decodeEvent', (type) => {
      const event = all[type];
      const encoded = encodeEvent(event);
      expect(JSON.parse(encoded.toString('utf8'))).toEqual(event);
      const decoded = decodeEvent(encoded);
      expect(decoded).toEqual({ ok: true, event });
      // Byte-stable: re-encoding the decoded event gives the same bytes.
      if (decoded.ok) expect(encodeEvent(decoded.event).equals(encoded)).toBe(true);
    });

    it('returns the original plain object, not a class instance', () => {
      const event = jobRequested();
      const outcome = validateEvent(event);
      expect(outcome.ok && outcome.event).toBe(event);
    });

    it('accepts an idempotency key and every priority', () => {
      for (const priority of ['high', 'normal', 'low'] as const) {
        const event = jobRequested();
        event.data.priority = priority;
        event.data.idempotencyKey = 'key-1';
        expect(validateEvent(event).ok).toBe(true);
      }
    });
  });

  describe('rejections', () => {
    it('rejects an empty or null value', () => {
      expect(rejected(decodeEvent(Buffer.alloc(0))).reason).toBe('empty message');
      const nothing = rejected(decodeEvent(null));
      expect(nothing.reason).toBe('empty message');
      expect(paths(nothing.errors)).toEqual(['(root)']);
    });

    it('rejects a value that is not JSON', () => {
      const outcome = rejected(decodeEvent(Buffer.from('{"id": nope', 'utf8')));
      expect(outcome.reason).toBe('not JSON');
      expect(paths(outcome.errors)).toEqual(['(root)']);
    });

    it.each([['"a string"'], ['42'], ['null'], ['[1,2]']])(
      'rejects JSON that is not an object: %s',
      (text) => {
        const outcome = rejected(decodeEvent(Buffer.from(text, 'utf8')));
        expect(outcome.reason).toBe('invalid envelope');
        expect(paths(outcome.errors)).toEqual(['(root)']);
      },
    );

    it('rejects an unknown event type', () => {
      const event = mutable(jobRequested());
      event.type = 'JobTeleported';
      const outcome = rejected(decodeEvent(bytes(event)));
      expect(outcome.reason).toBe('unknown event type');
      expect(paths(outcome.errors)).toEqual(['type']);
    });

    describe.each([
      ['fast path', true],
      ['class-validator path', false],
    ])('a `constructor` key (%s)', (_path, fast) => {
      beforeAll(() => setFastValidation(fast));
      afterAll(() => setFastValidation(true));

      const request = mutable(jobRequested());
      const completed = mutable(stageCompleted(jobRequested()));

      it.each([
        ['job input', { ...request, data: { ...(request.data as object), input: { constructor: 1 } } }],
        [
          'stage result',
          { ...completed, data: { ...(completed.data as object), result: { constructor: { a: 1 } } } },
        ],
      ])('in free-form %s: rejected as an invalid event, not thrown', (_where, shape) => {
        const outcome = rejected(decodeEvent(bytes(shape)));
        expect(outcome.reason).toBe('invalid event');
        expect(outcome.errors).toEqual([
          { path: '(root)', message: expect.stringContaining("reading 'constructor'") as string },
        ]);
      });

      it('on the envelope: accepted as it is today, the key kept (unlike any other unknown key)', () => {
        // A whitelist gap: class-validator does not see `constructor` as an unknown property. This pins
        // today's decision; rejecting it would be a behaviour change of its own.
        const shape = { ...request, constructor: 'x' };
        const outcome = decodeEvent(bytes(shape));
        if (!outcome.ok) throw new Error(`expected acceptance, got ${outcome.reason}`);
        expect(mutable(outcome.event)).toEqual(shape);
        expect(rejected(decodeEvent(bytes({ ...request, bogus: 'x' }))).errors).toEqual([
          { path: 'bogus', message: 'property bogus should not exist' },
        ]);
      });
    });

    it('does not take inherited object keys for event types', () => {
      const event = mutable(jobRequested());
      event.type = 'toString';
      expect(rejected(validateEvent(event)).reason).toBe('unknown event type');
    });

    it.each([2, 0])('rejects an unsupported version (%s)', (version) => {
      const event = mutable(stageStarted(jobRequested()));
      event.version = version;
      const outcome = rejected(validateEvent(event));
      expect(paths(outcome.errors)).toEqual(['version']);
    });

    it('reports an unsupported version with its own reason', () => {
      const event = mutable(stageStarted(jobRequested()));
      event.version = 2;
      expect(rejected(validateEvent(event)).reason).toBe('unsupported event version');
    });

    it('rejects missing envelope fields, naming each one', () => {
      const event = mutable(jobRequested());
      delete event.id;
      delete event.jobId;
      delete event.occurredAt;
      delete event.data;
      const outcome = rejected(validateEvent(event));
      expect(outcome.reason).toBe('invalid envelope');
      expect(new Set(paths(outcome.errors))).toEqual(new Set(['id', 'jobId', 'occurredAt', 'data']));
    });

    it('rejects malformed envelope fields', () => {
      const event = mutable(jobRequested());
      event.id = 'not-a-uuid';
      event.correlationId = 'has spaces';
      event.occurredAt = 'yesterday';
      event.causationId = 'also-not-a-uuid';
      const outcome = rejected(validateEvent(event));
      expect(new Set(paths(outcome.errors))).toEqual(
        new Set(['id', 'correlationId', 'occurredAt', 'causationId']),
      );
    });

    it('rejects missing data fields with data.* paths', () => {
      const event = mutable(stageFailed(jobRequested()));
      const data = event.data as Record<string, unknown>;
      delete data.stage;
      delete data.error;
      const outcome = rejected(validateEvent(event));
      expect(outcome.reason).toBe('invalid event data');
      expect(paths(outcome.errors)).toEqual(expect.arrayContaining(['data.stage', 'data.error']));
    });

    it.each([
      ['StageFailed', 'missing', undefined],
      ['StageFailed', 'an array', []],
      ['StageAttemptFailed', 'missing', undefined],
      ['StageAttemptFailed', 'an array', []],
    ])('rejects a %s whose error is %s (data.error)', (type, _what, error) => {
      const request = jobRequested();
      const event = mutable(type === 'StageFailed' ? stageFailed(request) : stageAttemptFailed(request));
      (event.data as Record<string, unknown>).error = error;
      const outcome = rejected(validateEvent(event));
      expect(outcome.reason).toBe('invalid event data');
      expect(paths(outcome.errors)).toContain('data.error');
    });

    it.each([
      ['missing', undefined],
      ['an array', []],
      ['a string', 'scrape https://example.com'],
    ])('rejects (without throwing) a StageRetryScheduled whose request is %s', (_what, request) => {
      const cause = jobRequested();
      const event = mutable(stageRetryScheduled(cause, cause));
      (event.data as Record<string, unknown>).request = request;
      let outcome: DecodeOutcome | undefined;
      expect(() => (outcome = decodeEvent(bytes(event)))).not.toThrow();
      expect(paths(rejected(outcome as DecodeOutcome).errors)).toContain('data.request');
    });

    it('rejects a malformed nested error with its nested path', () => {
      const event = mutable(stageFailed(jobRequested()));
      (event.data as { error: Record<string, unknown> }).error.retryable = 'yes';
      const outcome = rejected(validateEvent(event));
      expect(paths(outcome.errors)).toEqual(['data.error.retryable']);
    });

    it.each([
      ['not a URL', 'example.com/page'],
      ['an ftp URL', 'ftp://example.com/file'],
      ['a javascript URL', 'javascript:alert(1)'],
      ['an empty string', ''],
      ['a URL longer than 2048 characters', `https://example.com/${'a'.repeat(2048)}`],
    ])('rejects a JobRequested whose input url is %s', (_what, url) => {
      const outcome = rejected(validateEvent(jobRequested({ url })));
      expect(outcome.reason).toBe('invalid event data');
      expect(paths(outcome.errors).every((p) => p === 'data.input.url')).toBe(true);
    });

    it('rejects a JobRequested whose input is missing the url', () => {
      const event = mutable(jobRequested());
      event.data = { ...(event.data as object), input: {} };
      expect(paths(rejected(validateEvent(event)).errors)).toContain('data.input.url');
    });

    it('rejects a JobRequested of an unknown job type', () => {
      const event = mutable(jobRequested());
      (event.data as Record<string, unknown>).jobType = 'teleport';
      const outcome = rejected(validateEvent(event));
      expect(paths(outcome.errors)).toEqual(['data.jobType']);
    });

    it('rejects a StageRetryScheduled whose carried request input is invalid (path data.request.input.url)', () => {
      const request = jobRequested();
      const event = mutable(stageRetryScheduled(request, request));
      (event.data as { request: { input: Record<string, unknown> } }).request.input.url = 'not a url';
      const outcome = rejected(validateEvent(event));
      expect(paths(outcome.errors)).toEqual(['data.request.input.url']);
    });

    it('rejects a StageCompleted whose result fails the stage result schema', () => {
      const event = mutable(stageCompleted(jobRequested()));
      const result = (event.data as { result: Record<string, unknown> }).result;
      result.statusCode = 42;
      delete result.links;
      result.h1 = [1, 2];
      const outcome = rejected(validateEvent(event));
      expect(outcome.reason).toBe('invalid event data');
      expect(new Set(paths(outcome.errors))).toEqual(
        new Set(['data.result.statusCode', 'data.result.links', 'data.result.h1']),
      );
    });

    it('rejects a StageCompleted of an unknown stage', () => {
      const event = mutable(stageCompleted(jobRequested()));
      (event.data as Record<string, unknown>).stage = 'teleport';
      expect(paths(rejected(validateEvent(event)).errors)).toEqual(['data.stage']);
    });

    it.each([
      ['the envelope', (e: Record<string, unknown>) => (e.extra = 1), 'extra'],
      ['data', (e: Record<string, unknown>) => ((e.data as Record<string, unknown>).extra = 1), 'data.extra'],
      [
        'the job input',
        (e: Record<string, unknown>) => ((e.data as { input: Record<string, unknown> }).input.extra = 1),
        'data.input.extra',
      ],
    ])('rejects an unknown extra field in %s', (_where, addField, expectedPath) => {
      const event = mutable(jobRequested());
      addField(event);
      const outcome = rejected(validateEvent(event));
      expect(paths(outcome.errors)).toEqual([expectedPath]);
    });

    it('rejects an unknown extra field in a StageCompleted result', () => {
      const event = mutable(stageCompleted(jobRequested()));
      (event.data as { result: Record<string, unknown> }).result.secret = 'x';
      expect(paths(rejected(validateEvent(event)).errors)).toEqual(['data.result.secret']);
    });

    // Valid JSON that PostgreSQL's json/jsonb refuses: the projector could never store such an event.
    it.each([
      [
        'a lone surrogate in the job input',
        '"url":"http://x/\\ud800"',
        'data.input.url',
        /lone UTF-16 surrogate/,
      ],
      ['NUL in the job input', '"url":"http://x/\\u0000"', 'data.input.url', /U\+0000/],
      ['a lone surrogate in a key', '"url":"http://x/","\\udfff":1', 'data.input.\\udfff', /property name/],
    ])('rejects %s as unstorable text, naming the path', (_, field, expectedPath, message) => {
      const text = JSON.stringify(jobRequested()).replace(/"url":"[^"]*"/, field);
      const outcome = rejected(decodeEvent(Buffer.from(text, 'utf8')));
      expect(outcome.reason).toBe('unstorable text');
      expect(outcome.errors).toEqual([{ path: expectedPath, message: expect.stringMatching(message) }]);
    });

    it('rejects unstorable text in the envelope (validateEvent and encodeEvent too)', () => {
      const event = { ...jobRequested(), tenantId: 'a\u0000b' };
      expect(rejected(validateEvent(event)).errors).toEqual([
        { path: 'tenantId', message: 'contains U+0000 (NUL), which cannot be stored' },
      ]);
      expect(() => encodeEvent(event)).toThrow(InvalidEventError);
      expect(rejected(decodeEvent(bytes(event))).reason).toBe('unstorable text');
    });

    it('accepts escapes that decode to storable text (a surrogate pair, other controls)', () => {
      const event = jobRequested();
      const text = JSON.stringify(event).replace('"default"', '"d\\ud83d\\ude00\\u0001"');
      const outcome = decodeEvent(Buffer.from(text, 'utf8'));
      expect(outcome.ok && outcome.event.tenantId).toBe('d😀\u0001');
    });
  });

  describe('encodeEvent', () => {
    it('throws InvalidEventError naming the event and every problem', () => {
      const event = jobRequested({ url: 'not a url' });
      let thrown: unknown;
      try {
        encodeEvent(event);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidEventError);
      const error = thrown as InvalidEventError;
      expect(error.name).toBe('InvalidEventError');
      expect(error.message).toContain(event.id);
      expect(error.message).toContain('data.input.url');
      expect(paths(error.errors)).toEqual(['data.input.url']);
    });
  });
});

describe('causedEvent', () => {
  const request = jobRequested({ correlationId: 'corr-xyz', tenantId: 'tenant-a' });

  it('inherits the cause’s run, and leaves it out for the first run', () => {
    const data = { stage: 'scrape', stageVersion: '1', attempt: 1 };
    expect(causedEvent(request, EventTypes.StageStarted, data)).not.toHaveProperty('run');
    const copy = { ...request, id: deriveEventId(request.id, 'rerun', 2), run: 2 };
    expect(causedEvent(copy, EventTypes.StageStarted, data).run).toBe(2);
  });

  it('derives the id from the cause, the type and the discriminator', () => {
    const started = causedEvent(request, EventTypes.StageStarted, {
      stage: 'scrape',
      stageVersion: '1',
      attempt: 1,
    });
    expect(started.id).toBe(deriveEventId(request.id, EventTypes.StageStarted));
    const page = causedEvent(
      request,
      EventTypes.StageStarted,
      { stage: 'scrape', stageVersion: '1', attempt: 1 },
      { discriminator: 4 },
    );
    expect(page.id).toBe(deriveEventId(request.id, EventTypes.StageStarted, 4));
    expect(page.id).not.toBe(started.id);
  });

  it('carries job, tenant and correlation ids, sets causationId and the current version', () => {
    const event = causedEvent(
      request,
      EventTypes.StageStarted,
      { stage: 'scrape', stageVersion: '1', attempt: 1 },
      { occurredAt: new Date(FIXED_TIME) },
    );
    expect(event).toMatchObject({
      type: 'StageStarted',
      version: 1,
      jobId: request.jobId,
      tenantId: 'tenant-a',
      correlationId: 'corr-xyz',
      causationId: request.id,
      occurredAt: FIXED_TIME,
    });
    expect(validateEvent(event).ok).toBe(true);
  });

  it('gives the same id on redelivery even at another time', () => {
    const data = { stage: 'scrape', stageVersion: '1', attempt: 1 };
    const first = causedEvent(request, EventTypes.StageStarted, data, { occurredAt: new Date(0) });
    const again = causedEvent(request, EventTypes.StageStarted, data, { occurredAt: new Date() });
    expect(again.id).toBe(first.id);
  });
});
