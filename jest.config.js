/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Scale-out tests need a real cluster (`npm run test:cluster`); the fault tests run on their
  // own (`npm run test:faults`, jest.faults.config.js). npm test runs all three phases.
  // SKIP_BROWSER=1 leaves out the browser tests (test/browser, headless chromium).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/faults/', ...(process.env.SKIP_BROWSER === '1' ? ['<rootDir>/test/browser/'] : [])],
  // Type checking is `npm run typecheck`'s job (run by npm test); here we only transpile, for speed.
  transform: { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  testTimeout: 120_000,
  // Each integration file starts its own Temporal dev server; two at a time fits 2 cores.
  maxWorkers: 2,
};
