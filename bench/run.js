#!/usr/bin/env node
// `npm run bench`: the parse benchmark, then every load scenario against our
// server and the ws baseline, alternately (ours, baseline, ours, baseline, ...),
// a fresh server process per round. Prints medians and ours/baseline ratios
// as a text table and as Markdown. Assumes dist/ is built (npm run build).
//   node bench/run.js [--rounds 3] [--scenario parse,fanout,rooms,connections,churn]
//                     [--duration 5] [--warmup 1] [--workers 2] [--parse-rounds 5]
//                     [--connections 10000]
import os from 'node:os';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, FIGURES, SCENARIOS, Workers, runScenario } from './load.js';
import { formatMarkdown, formatText, parseTable, runParse, wsEnvironment } from './parse.js';
import { killAllServers, startServer } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    scenario: { type: 'string', default: ['parse', ...SCENARIOS].join(',') },
    duration: { type: 'string', default: String(DEFAULTS.duration) },
    warmup: { type: 'string', default: String(DEFAULTS.warmup) },
    workers: { type: 'string', default: String(DEFAULTS.workers) },
    'parse-rounds': { type: 'string', default: '5' },
    connections: { type: 'string', default: String(DEFAULTS.connections.count) },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(fileURLToPath(import.meta.url) + '\n' + '  see the header of this file for the options');
  process.exit(0);
}
const positive = (name) => {
  const n = Number(values[name]);
  if (!(n > 0)) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
  return n;
};
const rounds = Math.floor(positive('rounds'));
const selected = values.scenario.split(',').map((s) => s.trim()).filter(Boolean);
for (const s of selected) {
  if (s !== 'parse' && !SCENARIOS.includes(s)) {
    console.error(`unknown scenario ${s}: choose from parse, ${SCENARIOS.join(', ')}`);
    process.exit(2);
  }
}
if (!existsSync(fileURLToPath(new URL('../dist/server/chat-server.js', import.meta.url)))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const loadOptions = {
  duration: positive('duration'),
  warmup: Number(values.warmup) >= 0 ? Number(values.warmup) : DEFAULTS.warmup,
  workers: Math.floor(positive('workers')),
  connections: { count: Math.floor(positive('connections')) },
};

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllServers();
    // process.exit() waits for worker threads; do not let one that is busy block the exit.
    if (Workers.live > 0) process.kill(process.pid, 'SIGKILL');
    process.exit(130);
  });
}
const log = (...args) => console.error(...args);
const started = Date.now();
const commandLine = ['node', ...process.argv.slice(1).map((a, i) => (i === 0 ? 'bench/run.js' : a))].join(' ');

const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.totalmem() / 2 ** 30 | 0} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
log(`machine: ${machine}; load average ${loadavg()}`);

// ---- parse ----
let parseRows;
if (selected.includes('parse')) {
  log(`parse: ${values['parse-rounds']} rounds per size ...`);
  parseRows = runParse({
    rounds: Math.floor(positive('parse-rounds')),
    log: (r) => log(`  ${r.type} ${r.size} B: ours ${r.ours.mbps.toFixed(1)} MB/s, ws ${r.ws.mbps.toFixed(1)} MB/s`),
  });
}

// ---- load scenarios ----
const results = {}; // scenario -> kind -> [figures]
const checks = {}; // scenario -> kind -> [checks]
const commands = {};
const problems = [];
for (const scenario of selected.filter((s) => s !== 'parse')) {
  results[scenario] = { ours: [], baseline: [] };
  checks[scenario] = { ours: [], baseline: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const kind of ['ours', 'baseline']) {
      const server = await startServer(kind);
      commands[kind] ??= server.command.replace(process.execPath, 'node').replace(/ --port \d+/, ' --port <free>');
      try {
        const { figures, checks: c } = await runScenario(scenario, server, loadOptions);
        results[scenario][kind].push(figures);
        checks[scenario][kind].push(c);
        const summary = FIGURES[scenario].slice(0, 3).map(([key, label, digits]) => `${label} ${figures[key].toFixed(digits)}`).join(', ');
        log(`${scenario} round ${round} ${kind}: ${summary}`);
        const bad = [];
        if (c.setupFailed) bad.push(`${c.setupFailed} clients failed to join (${(c.setupErrors ?? []).join('; ')})`);
        if (c.errors) bad.push(`${c.errors} errors (${(c.errorSamples ?? []).join('; ')})`);
        if (c.unexpectedCloses) bad.push(`${c.unexpectedCloses} connections closed by the server`);
        if (c.deliveredPerAnnounced !== undefined && Math.abs(c.deliveredPerAnnounced - 1) > 0.05) {
          bad.push(`delivered/announced by acks = ${c.deliveredPerAnnounced}`);
        }
        if (scenario === 'connections' && c.healthzConnections !== c.joined) bad.push(`/healthz says ${c.healthzConnections} connections, ${c.joined} joined`);
        if (!server.alive) bad.push('the server died');
        for (const b of bad) problems.push(`${scenario} round ${round} ${kind}: ${b}`);
        for (const b of bad) log(`  WARNING: ${b}`);
      } catch (error) {
        problems.push(`${scenario} round ${round} ${kind}: failed: ${error.message}`);
        log(`${scenario} round ${round} ${kind}: FAILED: ${error.stack ?? error}`);
        log(server.stderrTail().slice(-10).join('\n'));
      } finally {
        await server.stop();
      }
    }
  }
}

// ---- report ----
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');

const out = [];
out.push(`wschat benchmark, ${new Date(started).toISOString()}`);
out.push(`machine: ${machine}`);
out.push(`command: ${commandLine}`);
out.push(`load average at the end: ${loadavg()}`);
if (parseRows) {
  const env = wsEnvironment();
  out.push('');
  out.push(`## Parse: masked client frames in 64 KiB chunks, median of ${values['parse-rounds']} alternating rounds`);
  out.push(`ws ${env.version}: UTF-8 validation by ${env.utf8}; unmasking by ${env.unmask}.`);
  out.push('ours delivers text as a string; ws delivers a Buffer (ws+toString adds the decode a chat server does next).');
  out.push('');
  const table = parseTable(parseRows);
  out.push(formatText(table));
}
const loadScenarios = Object.keys(results);
let loadTable;
if (loadScenarios.length > 0) {
  out.push('');
  out.push(`## Load: medians of ${rounds} round(s) each, ${loadOptions.duration} s measured after ${loadOptions.warmup} s warm-up, ${loadOptions.workers} load worker threads`);
  out.push(`ours:     ${commands.ours ?? '-'}`);
  out.push(`baseline: ${commands.baseline ?? '-'}`);
  out.push('fanout: 500 clients in one topic, 5 senders with 10 unacknowledged messages each; rooms: 200 topics x 5 users at 10 msg/s each;');
  out.push(`connections: ${loadOptions.connections.count} idle joined connections (topics of 10), memory against the empty server (RSS from /proc; "after GC" read inside the server after gc()); churn: 50 loops of connect, join, send, ack, close.`);
  out.push('(↑ higher is better, ↓ lower is better; ratio = ours / baseline)');
  out.push('');
  loadTable = [['scenario', 'figure', 'ours', 'baseline', 'ours/baseline']];
  for (const scenario of loadScenarios) {
    for (const [key, label, digits, higher] of FIGURES[scenario]) {
      const a = median(results[scenario].ours.map((f) => f[key]));
      const b = median(results[scenario].baseline.map((f) => f[key]));
      loadTable.push([scenario, `${label} ${higher ? '↑' : '↓'}`, fmt(a, digits), fmt(b, digits), Number.isFinite(a / b) ? (a / b).toFixed(2) : '-']);
    }
  }
  out.push(formatText(loadTable));
}
if (problems.length > 0) {
  out.push('');
  out.push('Problems (the figures above include these rounds):');
  for (const p of problems) out.push(`- ${p}`);
}
out.push('');
out.push(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
out.push('');
out.push('### Markdown');
out.push('');
out.push(`Machine: ${machine}. Command: \`${commandLine}\`.`);
if (parseRows) {
  out.push('');
  out.push(formatMarkdown(parseTable(parseRows)));
}
if (loadTable) {
  out.push('');
  out.push(formatMarkdown(loadTable));
}
console.log(out.join('\n'));
process.exitCode = problems.length > 0 ? 1 : 0;
if (Workers.stuck) {
  // process.exit() would wait for the stuck thread forever.
  killAllServers();
  process.kill(process.pid, 'SIGKILL');
}
