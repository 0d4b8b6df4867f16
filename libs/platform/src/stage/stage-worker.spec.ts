import pino from 'pino';
import {
  deriveEventId,
  encodeEvent,
  EventTypes,
  type JobEvent,
  type JobRequestedData,
  type StageRetryScheduled,
} from '@app/contracts';
import { jobRequested, scrapeResult, stageRetryScheduled } from '@app/contracts/testing';
import type { BatchContext, ConsumedEvent } from '../kafka/event-consumer';
import type { DeadLetterEntry } from '../kafka/dead-letter';
import type { EventPublisher, OutgoingEvent, RawMessage } from '../kafka/event-publisher';
import { PlatformMetrics } from '../metrics/platform-metrics';
import { StageFailure } from './stage-failure';
import { eventually } from '@app/test-support/wait';
import {
  StageWorker,
  type StageDefinition,
  type StageExecutionContext,
  type StageExecutor,
} from './stage-worker';

const logger = pino({ level: 'silent' });

const definition: StageDefinition = {
  stage: 'scrape',
  stageVersion: '1.2.3',
  jobType: 'scrape',
  eventsTopic: 'scrape.events',
  retry: { maxAttempts: 3, baseDelayMs: 60_000, jitter: 0 },
  concurrency: 4,
  timeLimitMs: 60_000,
};

/** Records what would be published; validates like the real publisher (encodeEvent throws on bad events). */
class FakePublisher {
  readonly published: OutgoingEvent[] = [];
  /** Each publish call: its events and the raw messages sent alongside them. */
  readonly calls: { events: OutgoingEvent[]; alongside: RawMessage[] }[] = [];
  failWith: Error | null = null;

  async publish(events: OutgoingEvent[], alongside: RawMessage[] = []): Promise<void> {
    for (const { event } of events) encodeEvent(event);
    if (this.failWith) throw this.failWith;
    this.published.push(...events);
    this.calls.push({ events, alongside });
  }

  get deadLetters(): RawMessage[] {
    return this.calls.flatMap((call) => call.alongside);
  }

  get events(): JobEvent[] {
    return this.published.map((o) => o.event as JobEvent);
  }
}

class FakeExecutor implements StageExecutor {
  readonly calls: { request: JobRequestedData; context: StageExecutionContext }[] = [];
  constructor(
    private readonly behaviour: (context: StageExecutionContext) => Promise<Record<string, unknown>>,
  ) {}

  execute(request: JobRequestedData, context: StageExecutionContext): Promise<Record<string, unknown>> {
    this.calls.push({ request, context });
    return this.behaviour(context);
  }
}

const context: BatchContext = { heartbeat: async () => undefined, isActive: () => true };

let offset = 0;
const consumed = (event: JobEvent, topic = 'jobs.requested'): ConsumedEvent => ({
  event,
  topic,
  partition: 0,
  offset: String(offset++),
  headers: {},
});

function setup(
  behaviour: (context: StageExecutionContext) => Promise<Record<string, unknown>>,
  overrides: Partial<StageDefinition> = {},
) {
  const publisher = new FakePublisher();
  const executor = new FakeExecutor(behaviour);
  const worker = new StageWorker(
    { ...definition, ...overrides },
    executor,
    publisher as unknown as EventPublisher,
    logger,
  );
  return { publisher, executor, worker };
}

const succeed = async (): Promise<Record<string, unknown>> => ({ ...scrapeResult() });
const failWith = (error: unknown) => async (): Promise<Record<string, unknown>> => {
  throw error;
};

describe('StageWorker', () => {
  it("passes over another job type's request by its headers alone, and decodes everything else", () => {
    const { worker } = setup(succeed);
    const headers =
      (values: Record<string, string>) =>
      (name: string): string | undefined =>
        values[name];
    expect(worker.passesOver(headers({ 'event-type': 'JobRequested', 'job-type': 'risk' }))).toBe(true);
    expect(worker.passesOver(headers({ 'event-type': 'JobRequested', 'job-type': definition.jobType }))).toBe(
      false,
    );
    // Published before the header existed, or not a request: decoded, then judged by its body.
    expect(worker.passesOver(headers({ 'event-type': 'JobRequested' }))).toBe(false);
    expect(worker.passesOver(headers({ 'event-type': 'StageRetryScheduled', 'job-type': 'risk' }))).toBe(
      false,
    );
    expect(worker.passesOver(headers({}))).toBe(false);
  });

  it('on success publishes StageStarted then StageCompleted on the events topic', async () => {
    const { publisher, executor, worker } = setup(succeed);
    const request = jobRequested();
    await worker.handleBatch([consumed(request)], context);

    expect(executor.calls).toHaveLength(1);
    expect(executor.calls[0].request).toEqual(request.data);
    expect(executor.calls[0].context).toMatchObject({ jobId: request.jobId, attempt: 1 });
    expect(publisher.published.map((o) => [o.topic, o.event.type])).toEqual([
      ['scrape.events', 'StageStarted'],
      ['scrape.events', 'StageCompleted'],
    ]);
    const [started, completed] = publisher.events;
    expect(started).toMatchObject({
      id: deriveEventId(request.id, EventTypes.StageStarted, 'scrape@1.2.3'),
      jobId: request.jobId,
      causationId: request.id,
      correlationId: request.correlationId,
      data: { stage: 'scrape', stageVersion: '1.2.3', attempt: 1 },
    });
    expect(completed).toMatchObject({
      id: deriveEventId(request.id, EventTypes.StageCompleted, 'scrape@1.2.3'),
      causationId: request.id,
      data: { stage: 'scrape', stageVersion: '1.2.3', attempt: 1, result: scrapeResult() },
    });
  });

  it('on a retryable failure with attempts left publishes StageAttemptFailed and a StageRetryScheduled', async () => {
    const { publisher, worker } = setup(failWith(new StageFailure('NETWORK_ERROR', 'reset', true)));
    const request = jobRequested();
    const before = Date.now();
    await worker.handleBatch([consumed(request)], context);

    expect(publisher.published.map((o) => [o.topic, o.event.type])).toEqual([
      ['scrape.events', 'StageStarted'],
      ['scrape.events', 'StageAttemptFailed'],
      ['scrape.retry.1', 'StageRetryScheduled'],
    ]);
    const attemptFailed = publisher.events[1];
    const retry = publisher.events[2] as StageRetryScheduled;
    expect(attemptFailed).toMatchObject({
      data: { attempt: 1, error: { code: 'NETWORK_ERROR', message: 'reset', retryable: true } },
    });
    expect(retry.data).toMatchObject({ stage: 'scrape', attempt: 2, request: request.data });
    expect(Date.parse(retry.data.notBefore)).toBeGreaterThan(before);
    expect(attemptFailed.type === 'StageAttemptFailed' && attemptFailed.data.retryAt).toBe(
      retry.data.notBefore,
    );
    expect(StageWorker.dueAt(retry)).toBe(Date.parse(retry.data.notBefore));
  });

  it('runs a due StageRetryScheduled as its attempt and schedules the next tier on failure', async () => {
    const { publisher, executor, worker } = setup(failWith(new Error('flaky')));
    const request = jobRequested();
    const retry = stageRetryScheduled(request, request, 2);
    await worker.handleBatch([consumed(retry, 'scrape.retry.1')], context);

    expect(executor.calls[0].context.attempt).toBe(2);
    expect(executor.calls[0].request).toEqual(request.data);
    expect(publisher.published.map((o) => [o.topic, o.event.type])).toEqual([
      ['scrape.events', 'StageStarted'],
      ['scrape.events', 'StageAttemptFailed'],
      ['scrape.retry.2', 'StageRetryScheduled'],
    ]);
    expect(publisher.events[0]).toMatchObject({ causationId: retry.id, data: { attempt: 2 } });
    expect(publisher.events[1]).toMatchObject({ data: { attempt: 2, error: { code: 'INTERNAL_ERROR' } } });
    expect(publisher.events[2]).toMatchObject({ data: { attempt: 3 } });
  });

  it('publishes StageFailed for a non-retryable failure', async () => {
    const { publisher, worker } = setup(failWith(new StageFailure('HTTP_404', 'not found', false)));
    await worker.handleBatch([consumed(jobRequested())], context);
    expect(publisher.published.map((o) => [o.topic, o.event.type])).toEqual([
      ['scrape.events', 'StageStarted'],
      ['scrape.events', 'StageFailed'],
    ]);
    expect(publisher.events[1]).toMatchObject({
      data: { attempt: 1, error: { code: 'HTTP_404', message: 'not found', retryable: false } },
    });
  });

  it('publishes StageFailed for a retryable failure on the last attempt', async () => {
    const { publisher, worker } = setup(failWith(new StageFailure('NETWORK_ERROR', 'reset', true)));
    const request = jobRequested();
    const lastTry = stageRetryScheduled(request, request, definition.retry.maxAttempts);
    await worker.handleBatch([consumed(lastTry, 'scrape.retry.2')], context);
    expect(publisher.published.map((o) => [o.topic, o.event.type])).toEqual([
      ['scrape.events', 'StageStarted'],
      ['scrape.events', 'StageFailed'],
    ]);
    expect(publisher.events[1]).toMatchObject({
      data: { attempt: 3, error: { code: 'NETWORK_ERROR', retryable: true } },
    });
  });

  describe('dead-lettering when retries run out', () => {
    const entryOf = (message: RawMessage): DeadLetterEntry =>
      JSON.parse(String(message.value)) as DeadLetterEntry;
    const rawMessage = (event: JobEvent, topic: string): ConsumedEvent => ({
      ...consumed(event, topic),
      partition: 7,
      key: Buffer.from(event.jobId, 'utf8'),
      value: Buffer.from(JSON.stringify(event), 'utf8'),
      headers: {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-correlation-id': 'c',
      },
      group: 'scraper',
    });

    it('sends the input message to the dead-letter topic in the same publish as StageFailed', async () => {
      const { publisher, worker } = setup(failWith(new StageFailure('HTTP_503', 'unavailable', true)));
      const request = jobRequested();
      const lastTry = rawMessage(
        stageRetryScheduled(request, request, definition.retry.maxAttempts),
        'scrape.retry.2',
      );
      await worker.handleBatch([lastTry], context);

      const failedCall = publisher.calls.find((call) => call.events[0]?.event.type === 'StageFailed');
      expect(failedCall?.alongside).toHaveLength(1);
      const [deadLetter] = failedCall!.alongside;
      expect(deadLetter).toMatchObject({
        topic: 'dead-letter',
        key: request.jobId,
        headers: { ...lastTry.headers, 'x-dead-letter-reason': 'retriesExhausted' },
      });
      const entry = entryOf(deadLetter);
      expect(entry).toMatchObject({
        reason: 'retriesExhausted',
        detail: 'HTTP_503: unavailable',
        attempts: definition.retry.maxAttempts,
        source: { topic: 'scrape.retry.2', partition: 7, offset: lastTry.offset, group: 'scraper' },
        original: {
          key: request.jobId,
          value: lastTry.value!.toString('utf8'),
          valueEncoding: 'utf8',
          headers: lastTry.headers,
        },
      });
      expect(deadLetter.headers?.['x-dead-letter-id']).toBe(entry.id);
    });

    it('re-encodes the event when the raw bytes are not at hand, and names the stage as the group', async () => {
      const { publisher, worker } = setup(failWith(new StageFailure('TIMEOUT', 'slow', true)), {
        retry: { ...definition.retry, maxAttempts: 1 },
      });
      const request = jobRequested();
      await worker.handleBatch([consumed(request)], context);
      expect(publisher.deadLetters).toHaveLength(1);
      const entry = entryOf(publisher.deadLetters[0]);
      expect(entry.original).toMatchObject({
        key: request.jobId,
        value: encodeEvent(request).toString('utf8'),
      });
      expect(entry).toMatchObject({ attempts: 1, source: { topic: 'jobs.requested', group: 'scrape' } });
    });

    it('gives each page of one input message its own entry', async () => {
      const request = jobRequested();
      const { publisher, worker } = setup(failWith(new StageFailure('NETWORK_ERROR', 'reset', true)), {
        retry: { ...definition.retry, maxAttempts: 1 },
        select: (event) => [1, 2].map((page) => ({ cause: event, request: request.data, attempt: 1, page })),
      });
      await worker.handleBatch([rawMessage(request, 'jobs.requested')], context);
      const ids = publisher.deadLetters.map((message) => entryOf(message).id);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
    });

    it('counts the dead letter in dead_letters_total with reason retriesExhausted', async () => {
      const metrics = new PlatformMetrics('test');
      const worker = new StageWorker(
        { ...definition, retry: { ...definition.retry, maxAttempts: 1 } },
        new FakeExecutor(failWith(new StageFailure('HTTP_503', 'unavailable', true))),
        new FakePublisher() as unknown as EventPublisher,
        logger,
        metrics,
      );
      await worker.handleBatch([rawMessage(jobRequested(), 'jobs.requested')], context);
      const counted = (await metrics.deadLetters.get()).values;
      expect(counted).toEqual([
        expect.objectContaining({ labels: { group: 'scraper', reason: 'retriesExhausted' }, value: 1 }),
      ]);
    });

    it('dead-letters nothing for a non-retryable failure or while attempts are left', async () => {
      for (const error of [
        new StageFailure('HTTP_404', 'not found', false),
        new StageFailure('HTTP_503', 'unavailable', true),
      ]) {
        const { publisher, worker } = setup(failWith(error));
        await worker.handleBatch([rawMessage(jobRequested(), 'jobs.requested')], context);
        expect(publisher.published.length).toBeGreaterThan(1);
        expect(publisher.deadLetters).toEqual([]);
      }
    });

    it('is the same entry when the message is processed again (redelivery dedupes)', async () => {
      const request = jobRequested();
      const lastTry = rawMessage(stageRetryScheduled(request, request, 3), 'scrape.retry.2');
      const ids: string[] = [];
      for (let run = 0; run < 2; run += 1) {
        const { publisher, worker } = setup(failWith(new StageFailure('HTTP_503', 'unavailable', true)));
        await worker.handleBatch([lastTry], context);
        ids.push(entryOf(publisher.deadLetters[0]).id);
      }
      expect(ids[0]).toBe(ids[1]);
    });
  });

  it('fails an attempt that exceeds the time limit with TIMEOUT and aborts the executor’s signal', async () => {
    let aborted = false;
    const { publisher, worker } = setup(
      (ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted by signal'));
          });
        }),
      { timeLimitMs: 100, retry: { ...definition.retry, maxAttempts: 1 } },
    );
    await worker.handleBatch([consumed(jobRequested())], context);
    expect(aborted).toBe(true);
    expect(publisher.events.map((e) => e.type)).toEqual(['StageStarted', 'StageFailed']);
    expect(publisher.events[1]).toMatchObject({ data: { error: { code: 'TIMEOUT', retryable: true } } });
  });

  it('reports TIMEOUT even when the executor ignores the signal, and retries it', async () => {
    const { publisher, worker } = setup(() => new Promise(() => undefined), { timeLimitMs: 100 });
    await worker.handleBatch([consumed(jobRequested())], context);
    expect(publisher.events.map((e) => e.type)).toEqual([
      'StageStarted',
      'StageAttemptFailed',
      'StageRetryScheduled',
    ]);
    expect(publisher.events[1]).toMatchObject({ data: { error: { code: 'TIMEOUT' } } });
  });

  it('produces the same output ids for the same input (redelivery dedupes)', async () => {
    const request = jobRequested();
    const ids = async (behaviour: () => Promise<Record<string, unknown>>): Promise<string[]> => {
      const { publisher, worker } = setup(behaviour);
      await worker.handleBatch([consumed(request)], context);
      return publisher.events.map((e) => e.id);
    };
    expect(await ids(succeed)).toEqual(await ids(succeed));
    const failing = failWith(new StageFailure('NETWORK_ERROR', 'reset', true));
    const first = await ids(failing);
    expect(await ids(failing)).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('ignores events that are not work for this stage', async () => {
    const { publisher, executor, worker } = setup(succeed);
    const request = jobRequested();
    const otherStage = stageRetryScheduled(request, request, 2);
    (otherStage.data as { stage: string }).stage = 'ocr';
    await worker.handleBatch([consumed(otherStage, 'ocr.retry.1')], context);
    expect(executor.calls).toHaveLength(0);
    expect(publisher.published).toHaveLength(0);
  });

  describe('with startedDelayMs (StageStarted deferred)', () => {
    it('sends StageStarted with the outcome, in one publish and in that order, when the attempt ends first', async () => {
      const { publisher, worker } = setup(succeed, { startedDelayMs: 60_000 });
      await worker.handleBatch([consumed(jobRequested())], context);
      expect(publisher.calls.map((call) => call.events.map((o) => o.event.type))).toEqual([
        ['StageStarted', 'StageCompleted'],
      ]);
    });

    it('announces the start of an attempt still running after the delay, then its outcome', async () => {
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const { publisher, worker } = setup(
        async () => {
          await finished;
          return { ...scrapeResult() };
        },
        { startedDelayMs: 5 },
      );
      const batch = worker.handleBatch([consumed(jobRequested())], context);
      await eventually(
        'StageStarted published',
        () => (publisher.calls.length === 1 ? true : undefined),
        5000,
      );
      expect(publisher.calls[0].events.map((o) => o.event.type)).toEqual(['StageStarted']);
      finish();
      await batch;
      expect(publisher.calls.map((call) => call.events.map((o) => o.event.type))).toEqual([
        ['StageStarted'],
        ['StageCompleted'],
      ]);
    });

    it('sends nothing when the service stops before the delay passed', async () => {
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const { publisher, worker } = setup(
        () => {
          started();
          return new Promise(() => undefined);
        },
        { startedDelayMs: 60_000 },
      );
      const batch = worker.handleBatch([consumed(jobRequested())], context);
      await running;
      worker.stop();
      await expect(batch).rejects.toThrow('service stopping');
      expect(publisher.calls).toEqual([]);
    });

    it('rejects (offsets stay uncommitted) when the joint send is not acknowledged', async () => {
      const { publisher, worker } = setup(succeed, { startedDelayMs: 60_000 });
      publisher.failWith = new Error('Kafka down');
      await expect(worker.handleBatch([consumed(jobRequested())], context)).rejects.toThrow('Kafka down');
    });
  });

  it('rejects the batch when the outputs are not acknowledged (so its offsets stay uncommitted)', async () => {
    const { publisher, worker } = setup(succeed);
    publisher.failWith = new Error('Kafka down');
    await expect(worker.handleBatch([consumed(jobRequested())], context)).rejects.toThrow('Kafka down');
  });

  it('rejects the batch, publishing no outcome, when the service stops mid-attempt', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const { publisher, worker } = setup(() => {
      started();
      return new Promise(() => undefined);
    });
    const batch = worker.handleBatch([consumed(jobRequested())], context);
    await running;
    worker.stop();
    await expect(batch).rejects.toThrow('service stopping');
    expect(publisher.events.map((e) => e.type)).toEqual(['StageStarted']);
  });

  it('fails a job whose executor returns a result that fails the result schema, instead of looping', async () => {
    const { publisher, worker } = setup(async () => ({ ...scrapeResult(), statusCode: 42 }));
    await worker.handleBatch([consumed(jobRequested())], context);
    expect(publisher.events.map((e) => e.type)).toEqual(['StageStarted', 'StageFailed']);
    expect(publisher.events[1]).toMatchObject({
      data: { error: { code: 'INVALID_RESULT', retryable: false } },
    });
  });

  it('hands the publisher the StageCompleted already encoded, so it is checked once', async () => {
    const { publisher, worker } = setup(succeed);
    await worker.handleBatch([consumed(jobRequested())], context);
    const completed = publisher.published.find((o) => o.event.type === 'StageCompleted');
    if (completed === undefined) throw new Error('no StageCompleted published');
    expect(completed.encoded?.equals(encodeEvent(completed.event))).toBe(true);
  });

  it('publishes a valid StageFailed even for a failure code outside the schema', async () => {
    const { publisher, worker } = setup(failWith(new StageFailure('', 'no code', false)));
    await worker.handleBatch([consumed(jobRequested())], context);
    expect(publisher.events.map((e) => e.type)).toEqual(['StageStarted', 'StageFailed']);
  });

  it('heartbeats for every event handled', async () => {
    const { worker } = setup(succeed);
    const heartbeat = jest.fn(async () => undefined);
    const a = jobRequested({ jobId: '00000000-0000-4000-8000-00000000000a' });
    const b = jobRequested({ jobId: '00000000-0000-4000-8000-00000000000b' });
    await worker.handleBatch([consumed(a), consumed(b)], { heartbeat, isActive: () => true });
    expect(heartbeat).toHaveBeenCalledTimes(2);
  });

  it('dueAt is null for events other than StageRetryScheduled', () => {
    expect(StageWorker.dueAt(jobRequested())).toBeNull();
  });

  describe('progress and log lines (StageExecutionContext.progress / log)', () => {
    const immediate = { afterMs: 0, intervalMs: 10, logLinesPerSecond: 5 };
    const types = (publisher: FakePublisher): string[] => publisher.events.map((e) => e.type);

    it('publishes them after StageStarted and before the outcome, with ids from the cause and a sequence', async () => {
      const report = async (ctx: StageExecutionContext): Promise<Record<string, unknown>> => {
        ctx.progress({ done: 10, total: 100, unit: 'bytes' });
        ctx.log('info', 'fetched', { status: 200 });
        return { ...scrapeResult() };
      };
      const request = jobRequested();
      const first = setup(report, { startedDelayMs: 60_000, reporting: immediate });
      await first.worker.handleBatch([consumed(request)], context);
      expect(types(first.publisher)).toEqual([
        'StageStarted',
        'StageProgressed',
        'StageLogged',
        'StageCompleted',
      ]);
      const [, progressed, logged] = first.publisher.events;
      expect(progressed.data).toEqual({
        stage: 'scrape',
        stageVersion: '1.2.3',
        attempt: 1,
        done: 10,
        total: 100,
        unit: 'bytes',
        message: null,
      });
      expect(logged.data).toEqual({
        stage: 'scrape',
        stageVersion: '1.2.3',
        attempt: 1,
        level: 'info',
        message: 'fetched',
        fields: { status: 200 },
      });
      expect(progressed.id).toBe(deriveEventId(request.id, 'StageProgressed', 'scrape@1.2.3|1'));
      expect(logged.id).toBe(deriveEventId(request.id, 'StageLogged', 'scrape@1.2.3|2'));
      // A redelivery of the same input re-emits the same ids (the projector dedupes them).
      const again = setup(report, { startedDelayMs: 60_000, reporting: immediate });
      await again.worker.handleBatch([consumed(request)], context);
      expect(again.publisher.events.map((e) => e.id)).toEqual(first.publisher.events.map((e) => e.id));
    });

    it('sends none for an attempt faster than afterMs (defaults): one publish, as before', async () => {
      const { publisher, worker } = setup(
        async (ctx) => {
          for (let i = 0; i < 100; i++) ctx.progress({ done: i, total: 100, unit: 'bytes' });
          ctx.log('warn', 'something');
          return { ...scrapeResult() };
        },
        { startedDelayMs: 60_000 },
      );
      await worker.handleBatch([consumed(jobRequested())], context);
      expect(publisher.calls.map((call) => call.events.map((o) => o.event.type))).toEqual([
        ['StageStarted', 'StageCompleted'],
      ]);
    });

    it('drops an invalid report or one whose publish fails, and the job still succeeds', async () => {
      const { publisher, worker } = setup(
        async (ctx) => {
          ctx.progress({ done: -1, total: null, unit: 'bytes' });
          ctx.log(
            'info',
            'too many fields',
            Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])),
          );
          return { ...scrapeResult() };
        },
        { reporting: immediate },
      );
      await worker.handleBatch([consumed(jobRequested())], context);
      expect(types(publisher)).toEqual(['StageStarted', 'StageCompleted']);

      const failing = setup(
        async (ctx) => {
          ctx.progress({ done: 1, unit: 'bytes' });
          return { ...scrapeResult() };
        },
        { reporting: immediate },
      );
      const publish = failing.publisher.publish.bind(failing.publisher);
      failing.publisher.publish = async (events, alongside) => {
        if (events.some((o) => o.event.type === EventTypes.StageProgressed)) throw new Error('broker down');
        return publish(events, alongside);
      };
      await failing.worker.handleBatch([consumed(jobRequested())], context);
      expect(types(failing.publisher)).toEqual(['StageStarted', 'StageCompleted']);
    });

    it('ignores a report made after the attempt ended', async () => {
      let saved: StageExecutionContext | undefined;
      const { publisher, worker } = setup(
        async (ctx) => {
          saved = ctx;
          return { ...scrapeResult() };
        },
        { reporting: immediate },
      );
      await worker.handleBatch([consumed(jobRequested())], context);
      saved?.progress({ done: 5, unit: 'bytes' });
      saved?.log('error', 'late');
      expect(types(publisher)).toEqual(['StageStarted', 'StageCompleted']);
    });
  });
});
