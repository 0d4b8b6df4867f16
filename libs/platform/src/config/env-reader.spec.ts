import { readDatabaseConfig, readKafkaConfig, readLogLevel } from './common-config';
import { ConfigError, EnvReader, recordVariableReads } from './env-reader';

/** Runs `read` against `env`, then `done()`; returns what was read or the ConfigError thrown. */
function readWith<T>(env: NodeJS.ProcessEnv, read: (reader: EnvReader) => T): T {
  const reader = new EnvReader(env);
  const value = read(reader);
  reader.done();
  return value;
}

function problemsOf(env: NodeJS.ProcessEnv, read: (reader: EnvReader) => unknown): string[] {
  try {
    readWith(env, read);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('EnvReader', () => {
  describe('string', () => {
    it('reads a trimmed value', () => {
      expect(readWith({ NAME: '  svc  ' }, (env) => env.string('NAME'))).toBe('svc');
    });

    it('uses the default when unset or blank', () => {
      expect(readWith({}, (env) => env.string('NAME', { default: 'd' }))).toBe('d');
      expect(readWith({ NAME: '   ' }, (env) => env.string('NAME', { default: 'd' }))).toBe('d');
    });

    it('reports a required variable that is missing', () => {
      expect(problemsOf({}, (env) => env.string('NAME'))).toEqual(['NAME is required']);
    });

    it('checks the pattern and shows the hint', () => {
      const problems = problemsOf({ NAME: 'a b' }, (env) =>
        env.string('NAME', { pattern: /^\S+$/, hint: 'no spaces' }),
      );
      expect(problems).toEqual(['NAME="a b" is invalid: no spaces']);
    });
  });

  describe('optionalString', () => {
    it('returns undefined when unset and never reports a problem', () => {
      expect(readWith({}, (env) => env.optionalString('NAME'))).toBeUndefined();
      expect(readWith({ NAME: 'x' }, (env) => env.optionalString('NAME'))).toBe('x');
    });
  });

  describe('int', () => {
    it('parses integers, negative ones included', () => {
      expect(readWith({ N: '42' }, (env) => env.int('N'))).toBe(42);
      expect(readWith({ N: '-7' }, (env) => env.int('N'))).toBe(-7);
    });

    it('uses the default when unset', () => {
      expect(readWith({}, (env) => env.int('N', { default: 5 }))).toBe(5);
    });

    it.each(['4.5', '1e3', 'ten', '0x10', '99999999999999999999'])('rejects %s as not an integer', (raw) => {
      expect(problemsOf({ N: raw }, (env) => env.int('N'))).toEqual([
        `N=${JSON.stringify(raw)} must be an integer`,
      ]);
    });

    it('enforces min and max', () => {
      expect(problemsOf({ N: '0' }, (env) => env.int('N', { min: 1 }))).toEqual(['N=0 must be >= 1']);
      expect(problemsOf({ N: '11' }, (env) => env.int('N', { max: 10 }))).toEqual(['N=11 must be <= 10']);
      expect(readWith({ N: '10' }, (env) => env.int('N', { min: 1, max: 10 }))).toBe(10);
    });
  });

  describe('bool', () => {
    it.each([
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['yes', true],
      ['false', false],
      ['0', false],
      ['No', false],
    ])('reads %s as %s', (raw, expected) => {
      expect(readWith({ B: raw }, (env) => env.bool('B'))).toBe(expected);
    });

    it('uses the default when unset and rejects anything else', () => {
      expect(readWith({}, (env) => env.bool('B', { default: true }))).toBe(true);
      expect(problemsOf({ B: 'maybe' }, (env) => env.bool('B'))).toEqual(['B="maybe" must be true or false']);
    });
  });

  describe('oneOf', () => {
    it('accepts an allowed value, uses the default, rejects others listing the allowed ones', () => {
      const allowed = ['a', 'b'] as const;
      expect(readWith({ C: 'b' }, (env) => env.oneOf('C', allowed))).toBe('b');
      expect(readWith({}, (env) => env.oneOf('C', allowed, { default: 'a' }))).toBe('a');
      expect(problemsOf({ C: 'z' }, (env) => env.oneOf('C', allowed))).toEqual(['C="z" must be one of a, b']);
    });
  });

  describe('list', () => {
    it('splits on commas, trims and drops empty items', () => {
      expect(readWith({ L: ' a, b ,,c ' }, (env) => env.list('L'))).toEqual(['a', 'b', 'c']);
    });

    it('uses the default when unset, and reports a list with no items', () => {
      expect(readWith({}, (env) => env.list('L', { default: ['x'] }))).toEqual(['x']);
      expect(problemsOf({ L: ' , ,' }, (env) => env.list('L'))).toEqual(['L must list at least one value']);
    });
  });

  describe('url', () => {
    it('accepts a URL of an allowed protocol and uses the default when unset', () => {
      const protocols = ['postgres:', 'postgresql:'];
      expect(readWith({ U: 'postgres://h:5432/db' }, (env) => env.url('U', { protocols }))).toBe(
        'postgres://h:5432/db',
      );
      expect(readWith({}, (env) => env.url('U', { default: 'http://x' }))).toBe('http://x');
    });

    it('rejects a non-URL and a URL of another protocol', () => {
      expect(problemsOf({ U: 'not a url' }, (env) => env.url('U'))).toEqual(['U="not a url" is not a URL']);
      expect(problemsOf({ U: 'http://h/db' }, (env) => env.url('U', { protocols: ['postgres:'] }))).toEqual([
        'U must use postgres:',
      ]);
    });
  });

  describe('done', () => {
    it('reports every problem at once, naming each variable', () => {
      let thrown: unknown;
      const reader = new EnvReader({ A: 'x', B: 'maybe', D: '5', E: 'nope' });
      reader.int('A');
      reader.bool('B');
      reader.string('C');
      reader.int('D', { max: 3 });
      reader.url('E');
      try {
        reader.done();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      const error = thrown as ConfigError;
      expect(error.problems).toHaveLength(5);
      for (const name of ['A', 'B', 'C', 'D', 'E']) {
        expect(error.problems.some((problem) => problem.startsWith(name))).toBe(true);
        expect(error.message).toContain(`  - ${name}`);
      }
    });

    it('does not throw when everything is valid', () => {
      const reader = new EnvReader({ A: '1' });
      reader.int('A');
      expect(() => reader.done()).not.toThrow();
    });
  });
});

describe('common config readers', () => {
  it('read defaults from an empty environment', () => {
    const env = new EnvReader({});
    const kafka = readKafkaConfig(env, 'svc');
    const db = readDatabaseConfig(env);
    const level = readLogLevel(env);
    env.done();
    expect(kafka).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'svc',
      partitions: 12,
      replicationFactor: 1,
      minInsyncReplicas: 1,
      sendTimeoutMs: 5000,
      topicPrefix: '',
      sessionTimeoutMs: 30000,
    });
    expect(db).toEqual({ url: 'postgres://postgres@127.0.0.1:5433/eventjobs', poolSize: 10 });
    expect(level).toBe('info');
  });

  it('read every variable and report each bad one', () => {
    const env = new EnvReader({
      KAFKA_BROKERS: 'a:1,b:2',
      KAFKA_TOPIC_PREFIX: 'bad prefix!',
      KAFKA_SEND_TIMEOUT_MS: '10',
      DATABASE_URL: 'mysql://h/db',
      LOG_LEVEL: 'loud',
    });
    const kafka = readKafkaConfig(env, 'svc');
    readDatabaseConfig(env);
    readLogLevel(env);
    expect(kafka.brokers).toEqual(['a:1', 'b:2']);
    let problems: string[] = [];
    try {
      env.done();
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toHaveLength(4);
    for (const name of ['KAFKA_TOPIC_PREFIX', 'KAFKA_SEND_TIMEOUT_MS', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(problems.some((problem) => problem.startsWith(name))).toBe(true);
    }
  });

  it('read a cluster replication setting, and refuse a min ISR over the replication factor', () => {
    const cluster = new EnvReader({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect(readKafkaConfig(cluster, 'svc')).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(() => cluster.done()).not.toThrow();

    const bad = new EnvReader({ KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' });
    readKafkaConfig(bad, 'svc');
    let problems: string[] = [];
    try {
      bad.done();
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringContaining('KAFKA_MIN_INSYNC_REPLICAS=3')]);
  });
});

describe('recordVariableReads', () => {
  it('records what each reader call asked for, not the values set', () => {
    const reads = recordVariableReads(() => {
      const reader = new EnvReader({ PORT: '8080' });
      reader.int('PORT', { default: 3000, min: 1, max: 65535, doc: 'listen port' });
      reader.oneOf('MODE', ['a', 'b'], { default: 'a', defaultDoc: 'the first mode' });
      reader.optionalString('ENDPOINT');
      reader.done();
    });
    expect(reads).toEqual([
      expect.objectContaining({
        name: 'PORT',
        kind: 'int',
        default: 3000,
        min: 1,
        max: 65535,
        doc: 'listen port',
      }),
      expect.objectContaining({
        name: 'MODE',
        kind: 'oneOf',
        choices: ['a', 'b'],
        defaultDoc: 'the first mode',
      }),
      expect.objectContaining({ name: 'ENDPOINT', optional: true }),
    ]);
  });

  it('keeps the reads made before a loader gave up on a missing value', () => {
    const reads = recordVariableReads(() => {
      const reader = new EnvReader({});
      reader.string('REQUIRED');
      reader.done();
    });
    expect(reads.map((read) => read.name)).toEqual(['REQUIRED']);
  });

  it('records nothing outside a recording', () => {
    new EnvReader({}).int('PORT', { default: 1 });
    expect(recordVariableReads(() => undefined)).toEqual([]);
  });
});
