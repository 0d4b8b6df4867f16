/**
 * One Jest run covers every tier:
 *  - *.spec.ts       small unit tests (mocks allowed)
 *  - *.int-spec.ts   integration tests against the real Kafka and PostgreSQL started by globalSetup
 *  - *.e2e-spec.ts   end-to-end tests that spawn the built services (dist/) against that stack
 * `npm run test:unit` runs only the first tier, without starting any infrastructure.
 */
const unitOnly = process.env.TEST_TIER === 'unit';

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    // The paths of tsconfig.json; exact names before the wildcards that would also match them.
    '^@app/contracts$': '<rootDir>/libs/contracts/src',
    '^@app/contracts/plain$': '<rootDir>/libs/contracts/src/plain',
    '^@app/contracts/testing$': '<rootDir>/libs/contracts/testing',
    '^@app/platform$': '<rootDir>/libs/platform/src',
    '^@app/platform/telemetry$': '<rootDir>/libs/platform/src/telemetry/start-telemetry',
    '^@app/read-models$': '<rootDir>/libs/read-models/src',
    '^@app/stack$': '<rootDir>/tools/stack/src',
    '^@app/documents/testing$': '<rootDir>/services/documents/testing',
    '^@app/risk/testing$': '<rootDir>/services/risk/testing',
    '^@app/documents/(.*)$': '<rootDir>/services/documents/src/$1',
    '^@app/gateway/(.*)$': '<rootDir>/services/gateway/src/$1',
    '^@app/risk/(.*)$': '<rootDir>/services/risk/src/$1',
    '^@app/projector/(.*)$': '<rootDir>/services/projector/src/$1',
    '^@app/scraper/(.*)$': '<rootDir>/services/scraper/src/$1',
    '^@app/launcher/(.*)$': '<rootDir>/tools/launcher/src/$1',
    '^@app/test-support/(.*)$': '<rootDir>/test/support/$1',
  },
  testMatch: unitOnly
    ? ['<rootDir>/**/*.spec.ts']
    : ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts', '<rootDir>/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: unitOnly ? undefined : '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: unitOnly ? undefined : '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 120000,
};
