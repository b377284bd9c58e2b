/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // The OpenAPI validator's JSON-schema dependencies ship as ES modules only.
  transformIgnorePatterns: ['/node_modules/(?!@apidevtools/)'],
  // Plugins in the suite use the SDK by its package name; here it is the source, not the build.
  moduleNameMapper: { '^tether/sdk$': '<rootDir>/src/sdk', '^tether/register$': '<rootDir>/src/sdk/register' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 60_000,
};
