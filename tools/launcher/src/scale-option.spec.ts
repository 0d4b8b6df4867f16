import { LauncherArgumentError, parseLauncherArgs, takeBrokersOption } from './scale-option';
import { planProcesses } from './process-plan';

describe('parseLauncherArgs', () => {
  it('reads --scale with a separate or an inline value, and repeated flags', () => {
    expect(parseLauncherArgs(['--scale', 'scraper=3,ocr=2'], 12)).toEqual({ scraper: 3, ocr: 2 });
    expect(parseLauncherArgs(['--scale=risk=2', '--scale', 'projector=1'], 12)).toEqual({
      risk: 2,
      projector: 1,
    });
    expect(parseLauncherArgs([], 12)).toEqual({});
  });

  it.each([
    [['--scale'], /--scale needs a value/],
    [['--scale', '--other'], /--scale needs a value/],
    [['--scale', 'scraper'], /--scale: "scraper" is not <name>=<count>/],
    [['--scale', 'scraper=-1'], /--scale: "scraper=-1" is not <name>=<count>/],
    [['--scale', 'scraper=two'], /--scale: "scraper=two"/],
    [
      ['--scale', 'gateway=2'],
      /--scale: gateway cannot be scaled \(the gateway listens on one GATEWAY_PORT\)/,
    ],
    [['--scale', 'mailer=2'], /--scale: mailer cannot be scaled; one of scraper, risk/],
    [['--scale', 'scraper=13'], /--scale: scraper=13 is over 12, the partitions per topic/],
    [['--scale', 'scraper=2,scraper=3'], /--scale: scraper is given twice/],
    [['--scael', 'scraper=2'], /unknown argument "--scael"/],
  ])('refuses %j naming the flag', (argv, message) => {
    expect(() => parseLauncherArgs(argv, 12)).toThrow(LauncherArgumentError);
    expect(() => parseLauncherArgs(argv, 12)).toThrow(message);
  });
});

describe('planProcesses', () => {
  const names = (counts: Parameters<typeof planProcesses>[0]): string[] =>
    planProcesses(counts).map((p) => p.name);

  it('runs one process per service without --scale', () => {
    const plan = planProcesses({});
    expect(plan.map((p) => p.name)).toEqual(['gateway', 'projector', 'scraper', 'risk', 'documents']);
    expect(plan.every((p) => Object.keys(p.env).length === 0 && !p.needsOwnOpsPort)).toBe(true);
  });

  it('names replicas service#n, each with its own client id; only the first keeps the default ops port', () => {
    const scrapers = planProcesses({ scraper: 3 }).filter((p) => p.service === 'scraper');
    expect(scrapers.map((p) => p.name)).toEqual(['scraper#1', 'scraper#2', 'scraper#3']);
    expect(scrapers.map((p) => p.env.KAFKA_CLIENT_ID)).toEqual(['scraper-1', 'scraper-2', 'scraper-3']);
    expect(scrapers.map((p) => p.needsOwnOpsPort)).toEqual([false, true, true]);
  });

  it('runs a scaled document stage in processes of its own and leaves it out of the shared one', () => {
    const plan = planProcesses({ ocr: 2 });
    const documents = plan.filter((p) => p.service === 'documents');
    expect(documents.map((p) => [p.name, p.env.DOCUMENTS_STAGES, p.needsOwnOpsPort])).toEqual([
      ['documents', 'split,classify,scale', false],
      ['ocr#1', 'ocr', true],
      ['ocr#2', 'ocr', true],
    ]);
    expect(documents[1].env.KAFKA_CLIENT_ID).toBe('documents-ocr-1');
  });

  it('drops the shared documents process when every stage has its own count, and runs nothing for 0', () => {
    expect(names({ split: 1, ocr: 2, classify: 1, scale: 0 })).toEqual([
      'gateway',
      'projector',
      'scraper',
      'risk',
      'split',
      'ocr#1',
      'ocr#2',
      'classify',
    ]);
    expect(names({ scraper: 0 })).not.toContain('scraper');
  });

  it('refuses a documents count when no stage is left for it', () => {
    expect(() => planProcesses({ documents: 2, split: 1, ocr: 1, classify: 1, scale: 1 })).toThrow(
      /--scale: documents has no stage left to host/,
    );
  });
});

describe('takeBrokersOption', () => {
  it('defaults to one broker and leaves the other arguments', () => {
    expect(takeBrokersOption(['--scale', 'scraper=2'])).toEqual({
      brokers: 1,
      rest: ['--scale', 'scraper=2'],
    });
  });

  it('reads --brokers 3 and --brokers=3 anywhere among the arguments', () => {
    expect(takeBrokersOption(['--scale=ocr=2', '--brokers', '3'])).toEqual({
      brokers: 3,
      rest: ['--scale=ocr=2'],
    });
    expect(takeBrokersOption(['--brokers=3'])).toEqual({ brokers: 3, rest: [] });
  });

  it('refuses a missing, non-numeric, zero, too large or repeated count, naming the flag', () => {
    for (const argv of [
      ['--brokers'],
      ['--brokers', 'three'],
      ['--brokers=0'],
      ['--brokers=6'],
      ['--brokers=1.5'],
    ]) {
      expect(() => takeBrokersOption(argv)).toThrow(/^--brokers: /);
    }
    expect(() => takeBrokersOption(['--brokers=3', '--brokers=3'])).toThrow(LauncherArgumentError);
  });
});
