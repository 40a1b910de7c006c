/** Tests are TypeScript, compiled per file by ts-jest; `npm run typecheck` checks types separately. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // Fake servers and the app hold sockets; a test file that leaks one must fail loudly, not hang CI.
  testTimeout: 20000,
  maxWorkers: 2,
};
