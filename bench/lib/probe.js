// Preloaded into a server under test (`node --expose-gc --import ./bench/lib/probe.js ...`):
// on SIGUSR2 it runs a full GC and prints its memory figures on stderr as one
// line `@@probe {...}`. It adds no work to the server otherwise.
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const m = process.memoryUsage();
  process.stderr.write(`@@probe ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
});
