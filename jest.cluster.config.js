/**
 * `npm run test:cluster`: the integration suite and the scale-out tests against a real Temporal
 * server on PostgreSQL (dev/cluster.ts) instead of the dev server.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/integration/**/*.test.ts', '**/test/cluster/**/*.test.ts'],
  globalSetup: '<rootDir>/test/cluster/globalSetup.ts',
  globalTeardown: '<rootDir>/test/cluster/globalTeardown.ts',
  testPathIgnorePatterns: ['/node_modules/'],
};
