/** @type {import('jest').Config} */
// `npm run test:faults`: the fault tests (processes killed, servers restarted or cut off). Slower
// than the main suite because they wait out retry backoffs and activity timeouts on purpose.
const base = require('./jest.config');

module.exports = { ...base, roots: ['<rootDir>/test/faults'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 240_000 };
