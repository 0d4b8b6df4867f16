import { parseReplayArguments } from './replay-arguments';

describe('parseReplayArguments', () => {
  it('reads a stage replay from a time', () => {
    expect(parseReplayArguments(['--stage', 'scrape', '--from', 'earliest'], {})).toEqual({
      gatewayUrl: 'http://127.0.0.1:3000',
      body: { stage: 'scrape', from: 'earliest' },
    });
  });

  it('reads a per-job re-run and the gateway from the environment', () => {
    const id = '9b2f6c1e-0d7a-4f0e-9c1b-2a3b4c5d6e7f';
    expect(
      parseReplayArguments(['--stage', 'classify', '--job', id], { GATEWAY_URL: 'http://127.0.0.1:4000' }),
    ).toEqual({
      gatewayUrl: 'http://127.0.0.1:4000',
      body: { stage: 'classify', jobId: id },
    });
  });

  it.each([
    [[], '--stage is required'],
    [['--stage', 'scrape'], 'give exactly one of --from and --job'],
    [['--stage', 'scrape', '--from', 'earliest', '--job', 'x'], 'give exactly one of --from and --job'],
    [['--stage'], '--stage needs a value'],
    [['--stage', 'scrape', '--stage', 'risk', '--from', 'earliest'], '--stage given twice'],
    [['--bogus', '1'], 'unknown argument --bogus'],
    [['--stage', 'scrape', '--from', 'earliest', '--gateway', 'nope'], '--gateway nope is not a URL'],
  ])('refuses %j with "%s"', (argv, message) => {
    expect(() => parseReplayArguments(argv, {})).toThrow(message);
  });
});
