import { benchKafkaNodes } from './bench-kafka-nodes';

describe('benchKafkaNodes', () => {
  const saved = process.env.BENCH_KAFKA_BROKERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.BENCH_KAFKA_BROKERS;
    else process.env.BENCH_KAFKA_BROKERS = saved;
  });

  it('runs one broker unless told otherwise', () => {
    delete process.env.BENCH_KAFKA_BROKERS;
    expect(benchKafkaNodes()).toBe(1);
    process.env.BENCH_KAFKA_BROKERS = ' ';
    expect(benchKafkaNodes()).toBe(1);
  });

  it('reads a node count', () => {
    process.env.BENCH_KAFKA_BROKERS = '3';
    expect(benchKafkaNodes()).toBe(3);
  });

  it.each(['0', '-1', '2.5', 'three', '3x', '6'])('refuses %j, naming the variable', (value) => {
    process.env.BENCH_KAFKA_BROKERS = value;
    expect(() => benchKafkaNodes()).toThrow(/^BENCH_KAFKA_BROKERS=/);
  });
});
