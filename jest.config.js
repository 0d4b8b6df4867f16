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
    '^@app/contracts$': '<rootDir>/libs/contracts/src',
    '^@app/contracts/testing$': '<rootDir>/libs/contracts/testing',
    '^@app/documents/testing$': '<rootDir>/services/documents/testing',
    '^@app/risk/testing$': '<rootDir>/services/risk/testing',
    '^@app/platform$': '<rootDir>/libs/platform/src',
    '^@app/stack$': '<rootDir>/tools/stack/src',
    '^@app/read-models$': '<rootDir>/libs/read-models/src',
  },
  testMatch: unitOnly
    ? ['<rootDir>/**/*.spec.ts']
    : ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts', '<rootDir>/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: unitOnly ? undefined : '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: unitOnly ? undefined : '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 120000,
};
