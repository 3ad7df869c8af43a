#!/usr/bin/env node
// permessage-deflate under load, over real sockets (bench/load.js):
// 1. fan-out of 2 KiB chat messages (500 clients in one topic, 5 senders)
//    to clients that negotiated compression, against the same server in the
//    same run with clients that did not (alternately, a fresh server per run);
// 2. bytes on the wire of a welcome carrying 1000 messages of history, to a
//    client that negotiated compression and to one that did not;
// 3. memory per idle connection with compression negotiated, each connection
//    having received one compressed 2 KiB message (so that a server that keeps
//    a compressor per connection has made it), against ours with --no-deflate,
//    `ws` with its defaults (which do not compress) and `ws` with
//    `perMessageDeflate: true`.
// Assumes dist/ is built (npm run build).
//   node bench/deflate-load.js [--rounds 2] [--duration 5] [--warmup 1] [--workers 2]
//                              [--connections 2000] [--part fanout,welcome,memory]
import os from 'node:os';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, Workers, runScenario } from './load.js';
import { formatMarkdown, formatText } from './parse.js';
import { killAllServers, startServer, useCodeSnapshot } from './lib/servers.js';
import { RawClient, textOf } from './lib/wsclient.js';
import { distStamp } from './lib/provenance.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    part: { type: 'string', default: 'fanout,welcome,memory' },
    duration: { type: 'string', default: String(DEFAULTS.duration) },
    warmup: { type: 'string', default: String(DEFAULTS.warmup) },
    workers: { type: 'string', default: String(DEFAULTS.workers) },
    connections: { type: 'string', default: '2000' },
    'cpu-prof-dir': { type: 'string' },
  },
});
const parts = values.part.split(',').map((s) => s.trim());
const rounds = Math.max(1, Math.floor(Number(values.rounds)) || 1);
const loadOptions = { duration: Number(values.duration), warmup: Number(values.warmup), workers: Number(values.workers) };
const connections = Math.max(10, Math.floor(Number(values.connections)) || 2000);
const nodeArgs = values['cpu-prof-dir'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof-dir']] : [];
if (!existsSync(fileURLToPath(new URL('../dist/server/chat-server.js', import.meta.url)))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllServers();
    if (Workers.live > 0) process.kill(process.pid, 'SIGKILL');
    process.exit(130);
  });
}
const log = (...args) => console.error(...args);
const started = Date.now();
const commandLine = ['node', 'bench/deflate-load.js', ...process.argv.slice(2)].join(' ');
const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.type()} ${os.release()}`;
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const fmt = (x, digits) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const problems = [];
// The servers' default longest message; with its JSON envelope a delivery is about 2.1 KB.
const MESSAGE_CHARS = 2000;

function checkRun(label, checks, server, wantDeflated) {
  const bad = [];
  if (checks.setupFailed) bad.push(`${checks.setupFailed} clients failed to join (${(checks.setupErrors ?? []).join('; ')})`);
  if (checks.deflated !== wantDeflated) bad.push(`${checks.deflated} of ${checks.joined} clients negotiated deflate, expected ${wantDeflated}`);
  if (checks.errors) bad.push(`${checks.errors} errors (${(checks.errorSamples ?? []).join('; ')})`);
  if (checks.unexpectedCloses) bad.push(`${checks.unexpectedCloses} connections closed by the server`);
  if (checks.deliveredPerAnnounced !== undefined && Math.abs(checks.deliveredPerAnnounced - 1) > 0.05) bad.push(`delivered/announced by acks = ${checks.deliveredPerAnnounced}`);
  if (checks.pokeExpected !== undefined && checks.pokeDeliveries < checks.pokeExpected) bad.push(`${checks.pokeDeliveries} of ${checks.pokeExpected} messages arrived before the memory reading`);
  if (!server.alive) bad.push('the server died');
  for (const b of bad) {
    problems.push(`${label}: ${b}`);
    log(`  WARNING: ${b}`);
  }
}

/** startServer, or undefined (and a problem noted) if it cannot start. */
async function startOrNote(label, kind, options) {
  try {
    return await startServer(kind, options);
  } catch (error) {
    problems.push(`${label}: could not start: ${error.message.split('\n')[0]}`);
    log(`${label}: FAILED to start: ${error.stack ?? error}`);
    return undefined;
  }
}

// ---- 1. fan-out of 2 KiB messages ----
async function fanout() {
  const runs = { plain: [], deflate: [] };
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? ['plain', 'deflate'] : ['deflate', 'plain'];
    for (const mode of order) {
      const label = `fanout 2 KiB round ${round} ${mode}`;
      const server = await startOrNote(label, 'ours', { nodeArgs });
      if (server === undefined) continue;
      try {
        const deflate = mode === 'deflate';
        const { figures, checks } = await runScenario('fanout', server, { ...loadOptions, messageSize: MESSAGE_CHARS, deflate });
        runs[mode].push(figures);
        log(`${label} (pid ${server.pid}): delivered ${fmt(figures.deliveredPerSec, 0)}/s, ${fmt(figures.deliveredPerCpuSec, 0)} per server CPU-s, CPU ${fmt(figures.serverCpuPct, 0)}%, p50 ${fmt(figures.p50ms, 2)} ms, p99 ${fmt(figures.p99ms, 2)} ms`);
        checkRun(label, checks, server, deflate ? checks.joined : 0);
      } catch (error) {
        problems.push(`${label}: failed: ${error.message}`);
        log(`${label}: FAILED: ${error.stack ?? error}\n${server.stderrTail().slice(-10).join('\n')}`);
      } finally {
        await server.stop();
      }
    }
  }
  const table = [['figure', 'not negotiated', 'negotiated', 'ratio', 'target', 'per round (negotiated)']];
  for (const [key, label, digits] of [
    ['deliveredPerSec', 'delivered msg/s ↑', 0],
    ['deliveredPerCpuSec', 'delivered per server CPU-s ↑', 0],
    ['serverCpuPct', 'server CPU %', 0],
    ['p50ms', 'latency p50 ms ↓', 2],
    ['p99ms', 'latency p99 ms ↓', 2],
    ['loadgenCpuPct', 'load generator CPU %', 0],
  ]) {
    const a = median(runs.plain.map((f) => f[key]));
    const b = median(runs.deflate.map((f) => f[key]));
    table.push([label, fmt(a, digits), fmt(b, digits), Number.isFinite(b / a) ? (b / a).toFixed(2) : '-', key === 'deliveredPerCpuSec' ? '≥ 0.8' : '', runs.deflate.map((f) => fmt(f[key], digits)).join(' / ')]);
  }
  const ratio = median(runs.deflate.map((f) => f.deliveredPerCpuSec)) / median(runs.plain.map((f) => f.deliveredPerCpuSec));
  return {
    title: `Fan-out of ${MESSAGE_CHARS}-character chat messages (500 clients in one topic, 5 senders with 10 unacknowledged each), the same server (deflate on by default) with clients that offer permessage-deflate or not; medians of ${rounds} round(s), ${loadOptions.duration} s each. A compressed delivery is counted without inflating; 1 in 32 is inflated for its latency.`,
    table,
    verdict: `fan-out with compression: ${ratio.toFixed(2)}x the deliveries per server CPU-second without it (target 0.8x): ${ratio >= 0.8 ? 'reached' : 'NOT reached'}`,
  };
}

// ---- 2. a welcome with 1000 messages of history ----
function historyText(i) {
  const words = ['hello', 'anyone', 'around', 'the', 'deploy', 'went', 'fine', 'lunch?', 'ok', 'thanks', 'see', 'you', 'tomorrow', 'build', 'is', 'green', 'again'];
  let seed = 7 + i * 7919;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  const n = 3 + (next() % 12);
  return Array.from({ length: n }, () => words[next() % words.length]).join(' ');
}

/** Joins `topic` and resolves with the welcome frame's size on the wire and its inflated size. */
async function welcomeBytes(port, topic, deflate, username) {
  const client = await RawClient.connect({ port, deflate });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no welcome within 10 s')), 10000);
      client.onText = (buf, s, e) => {
        if (buf[s + 9] !== 0x77) return; // {"type":"w...
        clearTimeout(timer);
        resolve({ wire: client.frameBytes, text: e - s, negotiated: client.deflate, history: (textOf(buf, s, e).match(/"type":"message"/g) ?? []).length });
      };
      client.send(JSON.stringify({ username, topic }));
    });
  } finally {
    client.destroy();
  }
}

async function welcome() {
  const server = await startServer('ours', { nodeArgs, extraArgs: ['--message-ttl', '3600'] });
  try {
    const topic = 'history';
    const writer = await RawClient.connect({ port: server.port });
    let acks = 0;
    const allAcked = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${acks} of 1000 acks within 30 s`)), 30000);
      writer.onText = (buf, s) => {
        if (buf[s + 9] === 0x61 && ++acks === 1000) (clearTimeout(timer), resolve());
      };
    });
    writer.send(JSON.stringify({ username: 'writer', topic }));
    for (let i = 0; i < 1000; i++) writer.send(JSON.stringify({ message: historyText(i) }));
    await allAcked;
    const plain = await welcomeBytes(server.port, topic, false, 'reader');
    const compressed = await welcomeBytes(server.port, topic, true, 'reader2');
    writer.destroy();
    if (plain.history !== 1000 || compressed.history !== 1000) problems.push(`welcome: history of ${plain.history} / ${compressed.history} messages, expected 1000`);
    if (!compressed.negotiated) problems.push('welcome: the server did not negotiate permessage-deflate');
    const table = [
      ['welcome with 1000 messages of history', 'bytes on the wire', 'ratio'],
      ['not negotiated', fmt(plain.wire, 0), '1.00'],
      ['permessage-deflate negotiated', fmt(compressed.wire, 0), (compressed.wire / plain.wire).toFixed(3)],
    ];
    return {
      title: `Bytes on the wire of one welcome frame (header + payload) carrying 1000 messages of history (3-14 words each), ${fmt(plain.text, 0)} bytes of JSON inflated.`,
      table,
      verdict: `welcome: ${fmt(plain.wire, 0)} bytes plain, ${fmt(compressed.wire, 0)} bytes compressed (${(plain.wire / compressed.wire).toFixed(1)}x smaller)`,
    };
  } finally {
    await server.stop();
  }
}

// ---- 3. memory per idle connection ----
async function memory() {
  const targets = [
    ['ours, deflate negotiated', 'ours', []],
    ['ours --no-deflate', 'ours', ['--no-deflate']],
    ['ws defaults (no deflate)', 'baseline', []],
    ['ws perMessageDeflate: true', 'baseline', ['--per-message-deflate']],
  ];
  const runs = new Map(targets.map(([label]) => [label, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const [label, kind, extraArgs] of round % 2 === 1 ? targets : [...targets].reverse()) {
      const server = await startOrNote(`memory round ${round} ${label}`, kind, { extraArgs });
      if (server === undefined) continue;
      try {
        const options = { ...loadOptions, messageSize: MESSAGE_CHARS, deflate: true, connections: { count: connections, poke: true } };
        const { figures, checks } = await runScenario('connections', server, options);
        runs.get(label).push({ ...figures, deflated: checks.deflated });
        log(`memory round ${round} ${label} (pid ${server.pid}): ${checks.deflated} of ${checks.joined} negotiated deflate; RSS ${fmt(figures.rssPerConnKiB, 2)} KiB/conn, after GC ${fmt(figures.rssGcPerConnKiB, 2)}, heap ${fmt(figures.heapPerConnKiB, 2)}`);
        checkRun(`memory round ${round} ${label}`, checks, server, label.includes('deflate negotiated') || label.includes('perMessageDeflate') ? checks.joined : 0);
      } catch (error) {
        problems.push(`memory round ${round} ${label}: failed: ${error.message}`);
        log(`memory round ${round} ${label}: FAILED: ${error.stack ?? error}\n${server.stderrTail().slice(-10).join('\n')}`);
      } finally {
        await server.stop();
      }
    }
  }
  const ours = runs.get(targets[0][0]);
  const table = [['server', 'negotiated deflate', 'RSS KiB/conn ↓', 'RSS after GC KiB/conn ↓', 'heap after GC KiB/conn ↓', 'RSS after GC: ours/this', 'per round (RSS after GC)']];
  for (const [label] of targets) {
    const r = runs.get(label);
    const rssGc = median(r.map((f) => f.rssGcPerConnKiB));
    table.push([
      label,
      r.map((f) => f.deflated).join(' / '),
      fmt(median(r.map((f) => f.rssPerConnKiB)), 2),
      fmt(rssGc, 2),
      fmt(median(r.map((f) => f.heapPerConnKiB)), 2),
      (median(ours.map((f) => f.rssGcPerConnKiB)) / rssGc).toFixed(2),
      r.map((f) => fmt(f.rssGcPerConnKiB, 2)).join(' / '),
    ]);
  }
  return {
    title: `${connections} idle joined connections in topics of 10, every client offering permessage-deflate; each topic's first member sent one ${MESSAGE_CHARS}-character message, so every other member received one (compressed where negotiated); memory against the empty server, medians of ${rounds} round(s).`,
    table,
  };
}

log(`machine: ${machine}; load average ${loadavg()}`);
// Our server runs from a copy of the code taken now (a rebuild of dist/ meanwhile cannot touch the runs).
const distAtStart = `${distStamp()} (run from a copy taken at the start: ${useCodeSnapshot()})`;
const sections = [];
if (parts.includes('fanout')) sections.push(await fanout());
if (parts.includes('welcome')) sections.push(await welcome());
if (parts.includes('memory')) sections.push(await memory());

const out = [];
out.push(`wschat permessage-deflate benchmark, ${new Date(started).toISOString()}`);
out.push(`machine: ${machine}`);
out.push(`command: ${commandLine}`);
out.push(`load average at the end: ${loadavg()}`);
out.push(`code: ${distAtStart}`);
for (const s of sections) {
  out.push('', s.title, '', formatText(s.table));
  if (s.verdict) out.push('', s.verdict);
}
if (problems.length > 0) {
  out.push('', 'Problems (the figures above include these runs):');
  for (const p of problems) out.push(`- ${p}`);
}
out.push('', `total time ${((Date.now() - started) / 1000).toFixed(0)} s`, '', '### Markdown', '', `Command: \`${commandLine}\`.`);
for (const s of sections) out.push('', formatMarkdown(s.table));
console.log(out.join('\n'));
process.exitCode = problems.length > 0 ? 1 : 0;
if (Workers.stuck) {
  killAllServers();
  process.kill(process.pid, 'SIGKILL');
}
