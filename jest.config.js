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
  // Each test file loads the app's modules afresh in its own context, and some libraries keep a
  // reference to every context that loaded them (`--detectLeaks` flags undici and @keyv/sqlite's
  // sqlite3), so a worker's heap grew by about 7 MB per file, to 350 MB and more by the end of the
  // suite; its exit then outlasted jest's 500 ms and jest printed "A worker process has failed to
  // exit gracefully". A worker past this heap after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '200MB',
};
