/**
 * Benchmark-only preload: `node --expose-gc --require bench/gc-on-signal.js dist/main.js`.
 * On SIGUSR2 it runs a full GC (twice, a tick apart, so that finalizers freed by the first are
 * collected by the second) and writes process.memoryUsage() to stderr as one JSON line. The app
 * itself gets no GC endpoint and no benchmark code.
 */
process.on('SIGUSR2', () => {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') {
    process.stderr.write('{"benchGc":null}\n');
    return;
  }
  gc();
  setImmediate(() => {
    gc();
    process.stderr.write(`${JSON.stringify({ benchGc: process.memoryUsage() })}\n`);
  });
});
