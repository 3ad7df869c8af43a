#!/usr/bin/env node
// The load generator: runs one scenario against a running server with the
// clients spread over worker threads (bench/lib/load-worker.js), and measures
// over a fixed window the server process's CPU time (/proc/<pid>/stat), the
// generator's own CPU time (process.cpuUsage(), all threads) and what the
// clients saw. bench/run.js drives it; it also runs on its own:
//   node bench/load.js --scenario fanout [--target ours|baseline] [--duration 5] [--node-flags=--max-semi-space-size=4]
//                      [--node-flags=--trace-gc --server-stdout /tmp/gc.log]  (then: grep -c Mark-Compact /tmp/gc.log)
import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { histCount, histMerge, histQuantile, newHist } from './lib/hist.js';
import { startServer } from './lib/servers.js';

export const SCENARIOS = ['fanout', 'rooms', 'connections', 'churn'];

export const DEFAULTS = {
  workers: 2,
  duration: 5, // seconds measured
  warmup: 1, // seconds of load before the window
  messageSize: 64, // characters of chat text
  deflate: false, // clients offer permessage-deflate
  inflateEvery: 32, // with compression: 1 in this many deliveries is inflated for its latency
  ports: undefined, // { senders, receivers }: fanout split over two processes (default: all on server.port)
  alsoCpu: [], // [{ label, cpuSeconds() }]: other processes whose CPU counts as the server's (Redis, a second process)
  connectConcurrency: 64, // handshakes in flight per worker
  localAddresses: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'],
  fanout: { clients: 500, senders: 5, window: 10 },
  rooms: { topics: 200, users: 5, rate: 10, tickMs: 5 },
  connections: { count: 10000, topicSize: 10, settle: 1, poke: false }, // poke: one message into each topic before measuring
  churn: { concurrency: 50, topics: 0 }, // topics: 0 = one topic per loop
};

/** Figures of each scenario: key, label, digits, whether higher is better. */
export const FIGURES = {
  fanout: [
    ['deliveredPerSec', 'delivered msg/s', 0, true],
    ['deliveredPerCpuSec', 'delivered per server CPU-s', 0, true],
    ['messagesPerSec', 'messages sent+acked/s', 0, true],
    ['serverCpuPct', 'server CPU %', 0, false],
    ['p50ms', 'latency p50 ms', 2, false],
    ['p99ms', 'latency p99 ms', 2, false],
    ['loadgenCpuPct', 'load generator CPU %', 0, false],
  ],
  rooms: [
    ['sentPerSec', 'sent msg/s', 0, true],
    ['deliveredPerSec', 'delivered msg/s', 0, true],
    ['deliveredPerCpuSec', 'delivered per server CPU-s', 0, true],
    ['serverCpuPct', 'server CPU %', 1, false],
    ['p50ms', 'latency p50 ms', 2, false],
    ['p99ms', 'latency p99 ms', 2, false],
    ['loadgenCpuPct', 'load generator CPU %', 0, false],
  ],
  connections: [
    ['joinSeconds', 'time to connect+join all s', 2, false],
    ['joinsPerSec', 'connect+join/s', 0, true],
    ['rssPerConnKiB', 'RSS per connection KiB', 2, false],
    ['rssGcPerConnKiB', 'RSS per connection after GC KiB', 2, false],
    ['heapPerConnKiB', 'heap per connection after GC KiB', 2, false],
    ['cpuMsPer1000', 'server CPU ms per 1000 joins', 0, false],
  ],
  churn: [
    ['cyclesPerSec', 'cycles/s', 0, true],
    ['cyclesPerCpuSec', 'cycles per server CPU-s', 0, true],
    ['serverCpuPct', 'server CPU %', 0, false],
    ['p50ms', 'cycle p50 ms', 2, false],
    ['p99ms', 'cycle p99 ms', 2, false],
    ['loadgenCpuPct', 'load generator CPU %', 0, false],
  ],
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpuSecondsOfThisProcess = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Client specs for a scenario, before they are dealt to the workers. */
export function makeSpecs(name, o) {
  const addr = (i) => o.localAddresses[i % o.localAddresses.length];
  const specs = [];
  if (name === 'fanout') {
    const { clients, senders } = o.fanout;
    const every = Math.floor(clients / senders);
    for (let i = 0; i < clients; i++) {
      const sender = i % every === 0 && i / every < senders;
      const port = o.ports === undefined ? undefined : sender ? o.ports.senders : o.ports.receivers;
      specs.push({ username: `u${i}`, topic: 'fanout', sender, localAddress: addr(i), port });
    }
  } else if (name === 'rooms') {
    const { topics, users } = o.rooms;
    for (let t = 0; t < topics; t++) for (let u = 0; u < users; u++) specs.push({ username: `u${u}`, topic: `room-${t}`, localAddress: addr(specs.length) });
  } else if (name === 'connections') {
    const { count, topicSize } = o.connections;
    for (let i = 0; i < count; i++) specs.push({ username: `u${i}`, topic: `idle-${Math.floor(i / topicSize)}`, localAddress: addr(i), poker: i % topicSize === 0 });
  } else if (name === 'churn') {
    const topics = o.churn.topics > 0 ? o.churn.topics : o.churn.concurrency;
    for (let i = 0; i < o.churn.concurrency; i++) specs.push({ username: `u${i}`, topic: `churn-${i % topics}`, localAddress: addr(i) });
  }
  return specs;
}

export class Workers {
  /** Set when a worker thread could not be terminated (the process must then be killed). */
  static stuck = false;
  /** Worker threads started and not yet exited, in this process. */
  static live = 0;

  constructor(name, server, o, specs) {
    this.list = [];
    this.waiters = new Map();
    this.failure = null;
    const shared = new SharedArrayBuffer(8);
    /** [0] deliveries the acks announced, [1] deliveries seen, across all workers. */
    this.counters = new Int32Array(shared);
    const n = Math.max(1, Math.min(o.workers, specs.length));
    const workerOpts = {
      messageSize: o.messageSize,
      deflate: o.deflate,
      inflateEvery: o.inflateEvery,
      connectConcurrency: o.connectConcurrency,
      window: o.fanout.window,
      maxLag: 2 * o.fanout.senders * o.fanout.window * Math.max(1, o.fanout.clients - 1),
      rate: o.rooms.rate,
      tickMs: o.rooms.tickMs,
    };
    for (let w = 0; w < n; w++) {
      // Deal round-robin, so that senders and topics spread over the threads.
      const mine = specs.filter((_, i) => i % n === w);
      const worker = new Worker(fileURLToPath(new URL('./lib/load-worker.js', import.meta.url)), {
        workerData: { scenario: name, port: server.port, index: w, opts: workerOpts, specs: mine, shared },
      });
      worker.on('message', (msg) => this.onMessage(w, msg));
      worker.on('error', (error) => this.fail(new Error(`load worker ${w}: ${error.stack ?? error}`)));
      Workers.live++;
      worker.on('exit', (code) => {
        Workers.live--;
        if (code !== 0 && !this.terminating) this.fail(new Error(`load worker ${w} exited with ${code}`));
      });
      this.list.push(worker);
    }
  }

  onMessage(w, msg) {
    if (msg.type === 'fatal') return this.fail(new Error(`load worker ${w}: ${msg.error}`));
    const waiter = this.waiters.get(`${w}:${msg.type}`);
    if (waiter) {
      this.waiters.delete(`${w}:${msg.type}`);
      waiter.resolve(msg);
    }
  }

  fail(error) {
    this.failure ??= error;
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
  }

  /** Waits for a message of `type` from every worker. */
  expect(type, timeoutMs) {
    return Promise.all(
      this.list.map(
        (_, w) =>
          new Promise((resolve, reject) => {
            if (this.failure) return reject(this.failure);
            const timer = setTimeout(() => reject(new Error(`load worker ${w}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
            this.waiters.set(`${w}:${type}`, {
              resolve: (v) => (clearTimeout(timer), resolve(v)),
              reject: (e) => (clearTimeout(timer), reject(e)),
            });
          }),
      ),
    );
  }

  /** Sends `cmd` to every worker and waits for their replies. */
  ask(cmd, timeoutMs = 10000) {
    const replies = this.expect(cmd, timeoutMs);
    for (const worker of this.list) worker.postMessage({ cmd });
    return replies;
  }

  async close() {
    try {
      if (!this.failure) await this.ask('stop', 5000);
    } catch {}
    this.terminating = true;
    const terminated = Promise.all(this.list.map((w) => w.terminate()));
    const timedOut = await Promise.race([terminated.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut) {
      // A thread that does not stop would also block process.exit(): remember it for the caller.
      Workers.stuck = true;
      throw new Error('a load worker did not terminate within 5 s');
    }
  }
}

export function sum(replies, key) {
  return replies.reduce((a, r) => a + (r[key] ?? 0), 0);
}

/**
 * Runs scenario `name` against `server` (from startServer). Returns
 * { figures, checks } where figures are the table's numbers.
 */
export function withDefaults(options = {}) {
  const o = { ...DEFAULTS, ...options };
  for (const key of SCENARIOS) o[key] = { ...DEFAULTS[key], ...(options[key] ?? {}) };
  return o;
}

export async function runScenario(name, server, options = {}) {
  const o = withDefaults(options);
  const specs = makeSpecs(name, o);

  let empty;
  if (name === 'connections') {
    await sleep(200);
    empty = { rss: server.rss(), probe: await server.probe() };
  }

  const workers = new Workers(name, server, o, specs);
  try {
    await workers.expect('hello', 10000);
    const setupCpu0 = server.cpuSeconds();
    const setupT0 = performance.now();
    const setup = await workers.ask('setup', name === 'connections' ? 120000 : 60000);
    const setupSeconds = (performance.now() - setupT0) / 1000;
    const setupCpu = server.cpuSeconds() - setupCpu0;
    const joined = sum(setup, 'joined');
    const setupFailed = sum(setup, 'failed');
    const checks = { clients: specs.length, joined, setupFailed, deflated: sum(setup, 'deflated') };
    if (setupFailed > 0) checks.setupErrors = setup.flatMap((r) => r.errorSamples).slice(0, 3);

    if (name === 'connections') {
      if (o.connections.poke) {
        // Every member but the sender of its topic gets one message (compressed, where negotiated).
        const pokes = await workers.ask('poke');
        const expected = joined - sum(pokes, 'sent');
        const deadline = Date.now() + 60000;
        while (Atomics.load(workers.counters, 1) < expected && Date.now() < deadline) await sleep(50);
        checks.pokeDeliveries = Atomics.load(workers.counters, 1);
        checks.pokeExpected = expected;
      }
      await sleep(o.connections.settle * 1000);
      const rss = server.rss();
      const probe = await server.probe();
      const health = await server.healthz();
      const n = Math.max(1, joined);
      checks.healthzConnections = health.connections;
      checks.healthzTopics = health.topics;
      checks.emptyRssMiB = +(empty.rss / 2 ** 20).toFixed(1);
      checks.loadedRssMiB = +(rss / 2 ** 20).toFixed(1);
      return {
        figures: {
          joinSeconds: setupSeconds,
          joinsPerSec: joined / setupSeconds,
          rssPerConnKiB: (rss - empty.rss) / n / 1024,
          rssGcPerConnKiB: (probe.rss - empty.probe.rss) / n / 1024,
          heapPerConnKiB: (probe.heapUsed - empty.probe.heapUsed) / n / 1024,
          cpuMsPer1000: (setupCpu * 1000 * 1000) / n,
        },
        checks,
      };
    }

    await workers.ask('go');
    await sleep(o.warmup * 1000);
    await workers.ask('mark');
    const t0 = performance.now();
    const cpu0 = server.cpuSeconds();
    const writes0 = server.writeCalls?.() ?? NaN;
    const also0 = o.alsoCpu.map((p) => p.cpuSeconds());
    const gen0 = cpuSecondsOfThisProcess();
    await sleep(o.duration * 1000);
    const reportPromise = workers.ask('report');
    const cpu1 = server.cpuSeconds();
    const writes1 = server.writeCalls?.() ?? NaN;
    const also1 = o.alsoCpu.map((p) => p.cpuSeconds());
    const gen1 = cpuSecondsOfThisProcess();
    const seconds = (performance.now() - t0) / 1000;
    const report = await reportPromise;

    const lat = newHist();
    for (const r of report) histMerge(lat, r.lat);
    // The other processes that serve (Redis, a second process) count as server CPU too.
    const alsoCpu = also1.map((c, i) => c - also0[i]);
    const serverCpu = cpu1 - cpu0 + alsoCpu.reduce((a, b) => a + b, 0);
    const delivered = sum(report, 'delivered');
    const acks = sum(report, 'acks');
    const recipients = sum(report, 'recipients');
    Object.assign(checks, {
      seconds: +seconds.toFixed(2),
      sent: sum(report, 'sent'),
      acks,
      delivered,
      // Deliveries the acks announced, against deliveries seen (edge effects aside, about 1).
      deliveredPerAnnounced: recipients > 0 ? +(delivered / recipients).toFixed(3) : undefined,
      latencySamples: histCount(lat),
      errors: sum(report, 'errors'),
      unexpectedCloses: sum(report, 'unexpectedCloses'),
    });
    if (name === 'fanout') checks.gatedSends = sum(report, 'gatedSends');
    if (checks.errors > 0) checks.errorSamples = report.flatMap((r) => r.errorSamples).slice(0, 3);

    const common = {
      serverCpuPct: (100 * serverCpu) / seconds,
      mainCpuPct: (100 * (cpu1 - cpu0)) / seconds,
      // Write system calls of the (first) server process per delivery its clients saw: how well writes batch.
      writesPerDelivery: (writes1 - writes0) / Math.max(1, sum(report, 'delivered')),
      ...Object.fromEntries(o.alsoCpu.map((p, i) => [`${p.label}CpuPct`, (100 * alsoCpu[i]) / seconds])),
      p50ms: histQuantile(lat, 0.5) / 1000,
      p99ms: histQuantile(lat, 0.99) / 1000,
      loadgenCpuPct: (100 * (gen1 - gen0)) / seconds,
    };
    if (name === 'churn') {
      const cycles = sum(report, 'cycles');
      checks.cycles = cycles;
      return {
        figures: { cyclesPerSec: cycles / seconds, cyclesPerCpuSec: cycles / serverCpu, ...common },
        checks,
      };
    }
    return {
      figures: {
        sentPerSec: checks.sent / seconds,
        messagesPerSec: acks / seconds,
        deliveredPerSec: delivered / seconds,
        deliveredPerCpuSec: delivered / serverCpu,
        ...common,
      },
      checks,
    };
  } finally {
    await workers.close();
  }
}

// ---- standalone use ----
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'fanout' },
      target: { type: 'string', default: 'ours' },
      duration: { type: 'string', default: String(DEFAULTS.duration) },
      workers: { type: 'string', default: String(DEFAULTS.workers) },
      'cpu-prof-dir': { type: 'string' },
      // V8 flags for the server process, e.g. --node-flags=--max-semi-space-size=4 --node-flags=--trace-gc
      'node-flags': { type: 'string', multiple: true, default: [] },
      // The server's stdout (where --trace-gc writes) goes to this file.
      'server-stdout': { type: 'string' },
    },
  });
  // --cpu-prof-dir DIR: the server runs under `node --cpu-prof` and writes its profile there on exit.
  const nodeArgs = [...(values['cpu-prof-dir'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof-dir']] : []), ...values['node-flags']];
  const server = await startServer(values.target, { nodeArgs, stdoutFile: values['server-stdout'] });
  try {
    const result = await runScenario(values.scenario, server, { duration: Number(values.duration), workers: Number(values.workers) });
    console.log(JSON.stringify({ scenario: values.scenario, target: values.target, ...result }, null, 2));
  } finally {
    await server.stop();
  }
}
