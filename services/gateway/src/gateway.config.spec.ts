import { loadGatewayConfig } from './gateway.config';

describe('loadGatewayConfig: input limits', () => {
  it('has defaults that fit every request the API defines', () => {
    expect(loadGatewayConfig({}).inputLimits).toEqual({
      maxDepth: 32,
      maxKeysPerObject: 1000,
      maxTotalKeys: 10_000,
      maxArrayItems: 10_000,
      maxStringLength: 16_384,
    });
  });

  it('reads each limit from its variable', () => {
    const config = loadGatewayConfig({ GATEWAY_MAX_JSON_DEPTH: '8', GATEWAY_MAX_JSON_STRING_LENGTH: '4096' });
    expect(config.inputLimits).toMatchObject({ maxDepth: 8, maxStringLength: 4096 });
  });

  it('stops on a bad value with a message naming the variable', () => {
    expect(() => loadGatewayConfig({ GATEWAY_MAX_JSON_DEPTH: '0' })).toThrow(
      /GATEWAY_MAX_JSON_DEPTH=0 must be >= 1/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_MAX_JSON_ARRAY_ITEMS: 'many' })).toThrow(
      /GATEWAY_MAX_JSON_ARRAY_ITEMS="many" must be an integer/,
    );
  });
});
