import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_READ_SAMPLE_RATIO, readSampleRatio, ReadsSampler } from './reads-sampler';

const traceIds = Array.from({ length: 2000 }, (_, i) => i.toString(16).padStart(32, '0').replace(/^0/, 'a'));
const sampledShare = (sampler: ReadsSampler, kind: SpanKind, method: string): number =>
  traceIds.filter(
    (id) =>
      sampler.shouldSample(ROOT_CONTEXT, id, method, kind, { 'http.request.method': method }, []).decision ===
      SamplingDecision.RECORD_AND_SAMPLED,
  ).length / traceIds.length;

describe('ReadsSampler', () => {
  it('keeps every root that is not a read (POST /jobs, a stage consuming a message)', () => {
    const sampler = new ReadsSampler(0);
    expect(sampledShare(sampler, SpanKind.SERVER, 'POST')).toBe(1);
    expect(sampledShare(sampler, SpanKind.CONSUMER, 'GET')).toBe(1);
    expect(
      sampler.shouldSample(ROOT_CONTEXT, traceIds[0], 'scrape process', SpanKind.CONSUMER, {}, []).decision,
    ).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('keeps no incoming GET or HEAD root at ratio 0 and every one at ratio 1', () => {
    expect(sampledShare(new ReadsSampler(0), SpanKind.SERVER, 'GET')).toBe(0);
    expect(sampledShare(new ReadsSampler(0), SpanKind.SERVER, 'HEAD')).toBe(0);
    expect(sampledShare(new ReadsSampler(1), SpanKind.SERVER, 'GET')).toBe(1);
  });

  it('follows a sampled parent for a read, whatever the ratio', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: traceIds[1],
      spanId: '00000000000000aa',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const decision = new ReadsSampler(0).shouldSample(
      parent,
      traceIds[1],
      'GET',
      SpanKind.SERVER,
      { 'http.request.method': 'GET' },
      [],
    ).decision;
    expect(decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('readSampleRatio', () => {
  it('defaults when unset or blank', () => {
    expect(readSampleRatio(undefined)).toBe(DEFAULT_READ_SAMPLE_RATIO);
    expect(readSampleRatio(' ')).toBe(DEFAULT_READ_SAMPLE_RATIO);
  });

  it('accepts 0 to 1', () => {
    expect(readSampleRatio('0')).toBe(0);
    expect(readSampleRatio('0.25')).toBe(0.25);
    expect(readSampleRatio('1')).toBe(1);
  });

  it.each(['-0.1', '1.5', 'half', 'NaN'])('stops on %s, naming the variable', (raw) => {
    expect(() => readSampleRatio(raw)).toThrow(/OTEL_TRACES_READ_SAMPLE_RATIO/);
  });
});
