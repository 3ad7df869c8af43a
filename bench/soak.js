#!/usr/bin/env node
// Soak test (not for CI): minutes of connect / join / send / ack / close churn
// against our server, sampling its RSS and /healthz every few seconds; then,
// after a short idle period, checks that /healthz shows no connections, topics
// or stored messages, and that memory (after a GC inside the server) went back
// near where it started.
//   node bench/soak.js [--minutes 2] [--concurrency 50] [--topics 10] [--sample 5]
//                      [--idle 5] [--rss-slack-mib 64] [--heap-slack-mib 4] [--workers 2]
// The leak check is the heap after GC; RSS gets a wide margin because V8 keeps
// the pages it grew into (young-generation semi-spaces of up to 3 x 16 MiB)
// committed after a GC, so RSS does not fall back to its start value.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Workers, makeSpecs, sum, withDefaults } from './load.js';
import { killAllServers, startServer } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '50' },
    topics: { type: 'string', default: '10' },
    sample: { type: 'string', default: '5' },
    idle: { type: 'string', default: '5' },
    'rss-slack-mib': { type: 'string', default: '64' },
    'heap-slack-mib': { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
  },
});
const num = (k) => {
  const n = Number(values[k]);
  if (!(n >= 0)) {
    console.error(`--${k} must be a number >= 0`);
    process.exit(2);
  }
  return n;
};
const minutes = num('minutes');
const sampleMs = Math.max(1, num('sample')) * 1000;
const MiB = 2 ** 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllServers();
    if (Workers.live > 0) process.kill(process.pid, 'SIGKILL');
    process.exit(130);
  });
}

const commandLine = ['node', 'bench/soak.js', ...process.argv.slice(2)].join(' ');
const cpus = os.cpus();
console.log(`machine: ${cpus[0]?.model}, ${cpus.length} cores, Node ${process.version}`);
console.log(`command: ${commandLine}`);

const server = await startServer('ours');
console.log(`server:  ${server.command.replace(process.execPath, 'node')}`);
let workers;
let failed = false;
try {
  await sleep(1000);
  const start = { rss: server.rss(), probe: await server.probe() };
  console.log(`start: RSS ${(start.rss / MiB).toFixed(1)} MiB; after GC: RSS ${(start.probe.rss / MiB).toFixed(1)} MiB, heap ${(start.probe.heapUsed / MiB).toFixed(1)} MiB`);

  const o = withDefaults({ workers: num('workers'), churn: { concurrency: num('concurrency'), topics: num('topics') } });
  workers = new Workers('churn', server, o, makeSpecs('churn', o));
  await workers.expect('hello', 10000);
  await workers.ask('setup');
  await workers.ask('go');
  const t0 = performance.now();
  const cpu0 = server.cpuSeconds();
  const end = t0 + minutes * 60000;
  const samples = [];
  console.log('\n    t s   RSS MiB  conns  topics  stored   cycles  errors');
  while (performance.now() < end) {
    await sleep(Math.min(sampleMs, Math.max(0, end - performance.now())));
    const [health, report] = await Promise.all([server.healthz(), workers.ask('report')]);
    const row = {
      t: (performance.now() - t0) / 1000,
      rss: server.rss(),
      ...health,
      cycles: sum(report, 'cycles'),
      errors: sum(report, 'errors') + sum(report, 'unexpectedCloses'),
    };
    samples.push(row);
    console.log(
      `${row.t.toFixed(0).padStart(7)}  ${(row.rss / MiB).toFixed(1).padStart(8)}  ${String(row.connections).padStart(5)}  ${String(row.topics).padStart(6)}  ${String(row.storedMessages).padStart(6)}  ${String(row.cycles).padStart(7)}  ${String(row.errors).padStart(6)}`,
    );
    if (!server.alive) throw new Error('the server died');
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  const last = samples.at(-1) ?? { cycles: 0, errors: 0 };
  const errorSamples = (await workers.ask('report')).flatMap((r) => r.errorSamples).slice(0, 3);
  await workers.close();
  workers = undefined;

  await sleep(num('idle') * 1000);
  const health = await server.healthz();
  const after = { rss: server.rss(), probe: await server.probe() };
  const peak = Math.max(...samples.map((s) => s.rss), start.rss);
  const rssGrowth = after.probe.rss - start.probe.rss;
  const heapGrowth = after.probe.heapUsed - start.probe.heapUsed;
  console.log(`\nchurn: ${last.cycles} cycles in ${seconds.toFixed(0)} s (${(last.cycles / seconds).toFixed(0)}/s), server CPU ${((100 * cpu) / seconds).toFixed(0)} %, ${last.errors} errors${errorSamples.length ? ` (${errorSamples.join('; ')})` : ''}`);
  console.log(`RSS: start ${(start.rss / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB, after ${num('idle')} s idle ${(after.rss / MiB).toFixed(1)} MiB`);
  console.log(`after GC: RSS ${(start.probe.rss / MiB).toFixed(1)} -> ${(after.probe.rss / MiB).toFixed(1)} MiB (${(rssGrowth / MiB).toFixed(1)}), heap used ${(start.probe.heapUsed / MiB).toFixed(2)} -> ${(after.probe.heapUsed / MiB).toFixed(2)} MiB (${(heapGrowth / MiB).toFixed(2)}), heap committed ${(start.probe.heapTotal / MiB).toFixed(1)} -> ${(after.probe.heapTotal / MiB).toFixed(1)} MiB`);
  console.log(`/healthz after idle: ${JSON.stringify(health)}`);

  const checks = [
    ['no connections left', health.connections === 0],
    ['no topics left', health.topics === 0],
    ['no stored messages left', health.storedMessages === 0],
    [`RSS after GC within ${values['rss-slack-mib']} MiB of the start`, rssGrowth <= num('rss-slack-mib') * MiB],
    [`heap after GC within ${values['heap-slack-mib']} MiB of the start`, heapGrowth <= num('heap-slack-mib') * MiB],
    ['churn made progress without errors', last.cycles > 0 && last.errors === 0],
  ];
  for (const [what, ok] of checks) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failed = true;
  }
} catch (error) {
  failed = true;
  console.error(`soak failed: ${error.stack ?? error}`);
  console.error(server.stderrTail().slice(-10).join('\n'));
} finally {
  if (workers) await workers.close();
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
