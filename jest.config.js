/**
 * Jest projects: unit (no server), integration (shared dev server + emulator), e2e (browser), cluster (its own
 * PostgreSQL-backed Temporal cluster), rehearsal (production mode, its own stack), soak (the short fault matrix, its own
 * stack), replay (recorded histories).
 */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
    {
      // The browser test: the same shared dev server (jest runs a global setup used by several projects once).
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
    {
      // The production-shaped cluster (`npm run cluster`) under faults: it starts its own stack.
      ...common,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
    },
    {
      // The production rehearsal (`npm run rehearsal`), direct and through a forward proxy: it starts its own stack.
      ...common,
      displayName: 'rehearsal',
      testMatch: ['<rootDir>/test/rehearsal/**/*.test.ts'],
    },
    {
      // The short fault-matrix soak (`npm run soak -- --short`): it starts its own stack.
      ...common,
      displayName: 'soak',
      testMatch: ['<rootDir>/test/soak/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'replay',
      testMatch: ['<rootDir>/test/replay/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
  ],
  maxWorkers: 2,
};
