#!/usr/bin/env node
// What `--redis` costs, measured in one run under the same load (bench/load.js):
// - fanout and rooms against one process without --redis and one process with
//   it (a fresh redis-server of its own; Redis's CPU counts as server CPU),
//   alternately, a fresh server per run; ratios against the no-Redis baseline;
// - cross-process delivery: two processes of one cluster, the fan-out senders
//   on one and the receivers on the other, latency from the send time each
//   message carries (every delivery measured crossed Redis and a second process).
// Assumes dist/ is built (npm run build).
//   node bench/cluster-load.js [--rounds 2] [--duration 5] [--warmup 1] [--workers 2]
//                              [--scenario fanout,rooms,cross] [--cpu-prof-dir DIR]
// --cpu-prof-dir DIR: every server process runs under `node --cpu-prof` and
// writes its profile there when it stops (summarise with bench/lib/profile-summary.js).
import os from 'node:os';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, Workers, runScenario } from './load.js';
import { formatMarkdown, formatText } from './parse.js';
import { httpGetJson, killAllServers, startServer, useCodeSnapshot } from './lib/servers.js';
import { startRedis } from './lib/redis-server.js';
import { distStamp } from './lib/provenance.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    scenario: { type: 'string', default: 'fanout,rooms,cross' },
    duration: { type: 'string', default: String(DEFAULTS.duration) },
    warmup: { type: 'string', default: String(DEFAULTS.warmup) },
    workers: { type: 'string', default: String(DEFAULTS.workers) },
    'cpu-prof-dir': { type: 'string' },
  },
});
const SCENARIOS = ['fanout', 'rooms', 'cross'];
const selected = values.scenario.split(',').map((s) => s.trim()).filter(Boolean);
for (const s of selected) {
  if (!SCENARIOS.includes(s)) {
    console.error(`unknown scenario ${s}: choose from ${SCENARIOS.join(', ')}`);
    process.exit(2);
  }
}
const rounds = Math.max(1, Math.floor(Number(values.rounds)) || 1);
const loadOptions = { duration: Number(values.duration), warmup: Number(values.warmup), workers: Number(values.workers) };
if (!existsSync(fileURLToPath(new URL('../dist/server/chat-server.js', import.meta.url)))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const nodeArgs = values['cpu-prof-dir'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof-dir']] : [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllServers();
    if (Workers.live > 0) process.kill(process.pid, 'SIGKILL');
    process.exit(130);
  });
}
const log = (...args) => console.error(...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
const commandLine = ['node', 'bench/cluster-load.js', ...process.argv.slice(2)].join(' ');
const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.type()} ${os.release()}`;
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** Waits until a --redis process says its Redis is up (it listens before that). */
async function redisUp(server) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const health = await httpGetJson(server.port, '/healthz').catch(() => ({}));
    if (health.redis === 'ok') return;
    if (Date.now() > deadline) throw new Error(`process ${server.pid}: /healthz never said redis ok: ${JSON.stringify(health)}`);
    await sleep(50);
  }
}

const results = {}; // `${scenario}:${mode}` -> [figures]
const problems = [];
const record = (key, figures) => (results[key] ??= []).push(figures);

function noteChecks(label, checks, servers) {
  const bad = [];
  if (checks.setupFailed) bad.push(`${checks.setupFailed} clients failed to join (${(checks.setupErrors ?? []).join('; ')})`);
  if (checks.errors) bad.push(`${checks.errors} errors (${(checks.errorSamples ?? []).join('; ')})`);
  if (checks.unexpectedCloses) bad.push(`${checks.unexpectedCloses} connections closed by the server`);
  if (checks.deliveredPerAnnounced !== undefined && Math.abs(checks.deliveredPerAnnounced - 1) > 0.05) bad.push(`delivered/announced by acks = ${checks.deliveredPerAnnounced}`);
  for (const s of servers) if (!s.alive) bad.push(`process ${s.pid} died`);
  for (const b of bad) {
    problems.push(`${label}: ${b}`);
    log(`  WARNING: ${b}`);
  }
}

/** One process, without Redis ('plain') or with its own Redis ('redis'). */
async function runOne(scenario, mode, round) {
  const redis = mode === 'redis' ? await startRedis() : undefined;
  const server = await startServer('ours', { nodeArgs, extraArgs: redis ? ['--redis', redis.url] : [] });
  const label = `${scenario} round ${round} ${mode}`;
  try {
    if (redis) await redisUp(server);
    const alsoCpu = redis ? [{ label: 'redis', cpuSeconds: redis.cpuSeconds }] : [];
    const { figures, checks } = await runScenario(scenario, server, { ...loadOptions, alsoCpu });
    if (redis) {
      // Over the whole run: how many log entries one XREAD brought back on average.
      const calls = await redis.commandCalls();
      figures.entriesPerRead = calls.xadd / calls.xread;
    }
    record(`${scenario}:${mode}`, figures);
    log(`${label} (pid ${server.pid}${redis ? `, redis pid ${redis.pid}` : ''}): delivered ${figures.deliveredPerSec.toFixed(0)}/s, ${figures.deliveredPerCpuSec.toFixed(0)} per CPU-s, CPU ${figures.mainCpuPct.toFixed(0)}% + redis ${(figures.redisCpuPct ?? 0).toFixed(0)}%, p50 ${figures.p50ms.toFixed(2)} ms, p99 ${figures.p99ms.toFixed(2)} ms`);
    noteChecks(label, checks, [server]);
  } catch (error) {
    problems.push(`${label}: failed: ${error.message}`);
    log(`${label}: FAILED: ${error.stack ?? error}\n${server.stderrTail().slice(-10).join('\n')}`);
  } finally {
    await server.stop();
    await redis?.stop();
  }
}

/** Two processes of one cluster: fan-out senders on A, receivers on B. */
async function runCross(round) {
  const redis = await startRedis();
  const a = await startServer('ours', { nodeArgs, extraArgs: ['--redis', redis.url] });
  const b = await startServer('ours', { nodeArgs, extraArgs: ['--redis', redis.url] });
  const label = `cross round ${round}`;
  try {
    await redisUp(a);
    await redisUp(b);
    const alsoCpu = [
      { label: 'second', cpuSeconds: b.cpuSeconds },
      { label: 'redis', cpuSeconds: redis.cpuSeconds },
    ];
    const ports = { senders: a.port, receivers: b.port };
    const { figures, checks } = await runScenario('fanout', a, { ...loadOptions, alsoCpu, ports });
    record('cross:redis', figures);
    log(`${label} (senders' pid ${a.pid}, receivers' pid ${b.pid}, redis pid ${redis.pid}): delivered ${figures.deliveredPerSec.toFixed(0)}/s, ${figures.deliveredPerCpuSec.toFixed(0)} per CPU-s, CPU ${figures.mainCpuPct.toFixed(0)}% + ${figures.secondCpuPct.toFixed(0)}% + redis ${figures.redisCpuPct.toFixed(0)}%, p50 ${figures.p50ms.toFixed(2)} ms, p99 ${figures.p99ms.toFixed(2)} ms`);
    noteChecks(label, checks, [a, b]);
  } catch (error) {
    problems.push(`${label}: failed: ${error.message}`);
    log(`${label}: FAILED: ${error.stack ?? error}\n${a.stderrTail().slice(-5).join('\n')}\n${b.stderrTail().slice(-5).join('\n')}`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
  }
}

log(`machine: ${machine}; load average ${loadavg()}`);
// Our server runs from a copy of the code taken now (a rebuild of dist/ meanwhile cannot touch the runs).
const distAtStart = `${distStamp()} (run from a copy taken at the start: ${useCodeSnapshot()})`;
for (let round = 1; round <= rounds; round++) {
  for (const scenario of selected) {
    // Alternate which goes first, so that drift of a noisy machine does not favour one.
    const order = scenario === 'cross' ? ['cross'] : round % 2 === 1 ? ['plain', 'redis'] : ['redis', 'plain'];
    for (const mode of order) {
      try {
        await (mode === 'cross' ? runCross(round) : runOne(scenario, mode, round));
      } catch (error) {
        // Starting redis-server or a server failed: that run is missing, the others go on.
        problems.push(`${scenario} round ${round} ${mode}: could not start: ${error.message.split('\n')[0]}`);
        log(`${scenario} round ${round} ${mode}: FAILED to start: ${error.stack ?? error}`);
      }
    }
  }
}

// ---- report ----
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');
const med = (key, figure) => median((results[key] ?? []).map((f) => f[figure]));
const perRound = (key, figure, digits) => (results[key] ?? []).map((f) => fmt(f[figure], digits)).join(' / ');

const FIGURES = [
  ['deliveredPerSec', 'delivered msg/s ↑', 0],
  ['deliveredPerCpuSec', 'delivered per CPU-s (server + Redis) ↑', 0],
  ['mainCpuPct', 'server process CPU %', 0],
  ['redisCpuPct', 'redis-server CPU %', 0],
  ['p50ms', 'latency p50 ms ↓', 2],
  ['p99ms', 'latency p99 ms ↓', 2],
  ['writesPerDelivery', 'server write syscalls per delivery ↓', 3],
  ['entriesPerRead', 'log entries per XREAD (whole run)', 1],
];
const TARGETS = { fanout: 0.8, rooms: 0.5 };
const table = [['scenario', 'figure', 'no --redis', '--redis', 'ratio', 'target', 'per round (--redis)']];
const verdicts = [];
for (const scenario of selected.filter((s) => s !== 'cross')) {
  for (const [key, label, digits] of FIGURES) {
    const plain = med(`${scenario}:plain`, key);
    const redis = med(`${scenario}:redis`, key);
    const ratio = key === 'redisCpuPct' || key === 'entriesPerRead' ? NaN : redis / plain;
    const target = key === 'deliveredPerCpuSec' ? `≥ ${TARGETS[scenario]}` : '';
    table.push([scenario, label, fmt(plain, digits), fmt(redis, digits), Number.isFinite(ratio) ? ratio.toFixed(2) : '-', target, perRound(`${scenario}:redis`, key, digits)]);
    if (key === 'deliveredPerCpuSec' && Number.isFinite(ratio)) {
      verdicts.push(`${scenario}: --redis delivers ${ratio.toFixed(2)}x the deliveries per CPU-second of no --redis (target ${TARGETS[scenario]}x): ${ratio >= TARGETS[scenario] ? 'reached' : 'NOT reached'}`);
    }
  }
}
if (selected.includes('cross')) {
  const rows = [
    ['deliveredPerSec', 'delivered msg/s', 0],
    ['deliveredPerCpuSec', 'delivered per CPU-s (2 processes + Redis)', 0],
    ['mainCpuPct', "senders' process CPU %", 0],
    ['secondCpuPct', "receivers' process CPU %", 0],
    ['redisCpuPct', 'redis-server CPU %', 0],
    ['p50ms', 'cross-process latency p50 ms', 2],
    ['p99ms', 'cross-process latency p99 ms', 2],
  ];
  for (const [key, label, digits] of rows) table.push(['fanout, 2 processes', label, '', fmt(med('cross:redis', key), digits), '', '', perRound('cross:redis', key, digits)]);
}

const out = [];
out.push(`wschat cluster benchmark, ${new Date(started).toISOString()}`);
out.push(`machine: ${machine}`);
out.push(`command: ${commandLine}`);
out.push(`load average at the end: ${loadavg()}`);
out.push(`code: ${distAtStart}`);
out.push('');
out.push(`Medians of ${rounds} round(s), ${loadOptions.duration} s measured after ${loadOptions.warmup} s warm-up, ${loadOptions.workers} load worker threads; the same load as bench/run.js:`);
out.push('fanout: 500 clients in one topic, 5 senders with 10 unacknowledged messages each; rooms: 200 topics x 5 users at 10 msg/s each.');
out.push('fanout, 2 processes: the 5 senders on one process, the 495 receivers on another; every delivery measured crossed Redis.');
out.push('Each run has its own redis-server (--save \'\' --appendonly no) and server processes; CPU from /proc/<pid>/stat.');
out.push('');
out.push(formatText(table));
out.push('');
for (const v of verdicts) out.push(v);
if (problems.length > 0) {
  out.push('');
  out.push('Problems (the figures above include these runs):');
  for (const p of problems) out.push(`- ${p}`);
}
out.push('');
out.push(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
out.push('');
out.push('### Markdown');
out.push('');
out.push(`Command: \`${commandLine}\`.`);
out.push('');
out.push(formatMarkdown(table));
console.log(out.join('\n'));
process.exitCode = problems.length > 0 ? 1 : 0;
if (Workers.stuck) {
  killAllServers();
  process.kill(process.pid, 'SIGKILL');
}
