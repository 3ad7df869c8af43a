// One load-generator thread: opens its share of the clients and runs them as
// the main thread (bench/load.js) commands: setup -> go -> mark -> report -> stop.
import { parentPort, workerData } from 'node:worker_threads';
import { RawClient, inflateFrame, openSockets, textOf } from './wsclient.js';
import { histAdd, newHist, nowUs } from './hist.js';

const { scenario, port, index, opts, specs, shared } = workerData;
// Shared across workers: [0] deliveries the acks promised, [1] deliveries seen.
const counters = new Int32Array(shared);
const EXPECTED = 0;
const DELIVERED = 1;

const T_MESSAGE = 0x6d; // {"type":"m...
const T_ACK = 0x61;
const T_WELCOME = 0x77;
const T_ERROR = 0x65;
const TS_MARK = Buffer.from('"message":"t');
const RECIPIENTS_MARK = Buffer.from('"recipients":');
const FILLER = prose(Math.max(0, opts.messageSize - 18));
// With compression, 1 in this many compressed deliveries is inflated for its latency (the others are only counted).
const INFLATE_EVERY = opts.inflateEvery ?? 32;

/** Chat-like text of `length` characters (words, so that it compresses like chat, not like 'xxxx'). */
function prose(length) {
  const words = ['the', 'deploy', 'went', 'fine', 'but', 'latency', 'on', 'staging', 'is', 'still', 'higher', 'than', 'we', 'expected', 'after', 'lunch', 'can', 'you', 'check', 'logs', 'for', 'node', '3', 'thanks', 'ok', 'will', 'do'];
  let seed = 12345;
  let out = '';
  while (out.length < length) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out += words[seed % words.length] + ' ';
  }
  return out.slice(0, length);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- counters of the measured window ----
let m = freshCounters();
function freshCounters() {
  return { delivered: 0, acks: 0, sent: 0, recipients: 0, cycles: 0, errors: 0, unexpectedCloses: 0, gatedSends: 0, lat: newHist() };
}
const errorSamples = [];
function noteError(error) {
  m.errors++;
  if (errorSamples.length < 5) errorSamples.push(String(error?.message ?? error));
}

// Deliveries are published to the shared counter once per socket chunk.
let pendingDelivered = 0;
let chunkNow = 0;
RawClient.afterChunk = () => {
  if (pendingDelivered > 0) {
    Atomics.add(counters, DELIVERED, pendingDelivered);
    pendingDelivered = 0;
  }
  chunkNow = 0;
};

function parseIntAt(buf, i, end) {
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return n;
}

/** A compressed chat message arrived: count it; inflate one in INFLATE_EVERY for its latency. */
let compressedSeen = 0;
function onCompressedDelivery(buf, s, e) {
  if (++compressedSeen % INFLATE_EVERY !== 0) {
    m.delivered++;
    pendingDelivered++;
    return;
  }
  const text = inflateFrame(buf, s, e);
  if (text[9] === T_MESSAGE) onDelivered(text, 0, text.length);
  else noteError(`unexpected compressed frame: ${textOf(text, 0, Math.min(80, text.length))}`);
}

/** A chat message arrived: count it and take its latency from the embedded send time. */
function onDelivered(buf, s, e) {
  m.delivered++;
  pendingDelivered++;
  const i = buf.indexOf(TS_MARK, s);
  if (i !== -1 && i < e) {
    if (chunkNow === 0) chunkNow = nowUs();
    histAdd(m.lat, chunkNow - parseIntAt(buf, i + TS_MARK.length, e));
  }
}

function recipientsOf(buf, s, e) {
  const i = buf.indexOf(RECIPIENTS_MARK, s);
  return i !== -1 && i < e ? parseIntAt(buf, i + RECIPIENTS_MARK.length, e) : 0;
}

function chatMessage() {
  m.sent++;
  return `{"message":"t${Math.round(nowUs())}_${FILLER}"}`;
}

// ---- connecting ----
const clients = [];
let stopping = false;

function waitFor(client, type, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for frame type ${String.fromCharCode(type)}`)), timeoutMs);
    client.onText = (buf, s, e) => {
      const t = buf[s + 9];
      if (t === type) {
        clearTimeout(timer);
        resolve(buf.subarray(s, e));
      } else if (t === T_ERROR) {
        clearTimeout(timer);
        reject(new Error(textOf(buf, s, e)));
      }
    };
    client.onClosed = () => {
      clearTimeout(timer);
      reject(new Error('connection closed'));
    };
  });
}

async function openJoined(spec) {
  const client = await RawClient.connect({ port: spec.port ?? port, localAddress: spec.localAddress, deflate: opts.deflate });
  try {
    const welcome = waitFor(client, T_WELCOME);
    client.send(JSON.stringify({ username: spec.username, topic: spec.topic }));
    await welcome;
  } catch (error) {
    client.destroy();
    throw error;
  }
  client.user = spec;
  client.onText = null;
  client.onClosed = () => {
    if (!stopping) m.unexpectedCloses++;
  };
  return client;
}

async function pool(items, limit, fn) {
  let next = 0;
  const run = async () => {
    while (next < items.length && !stopping) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

async function setupAll() {
  const t0 = nowUs();
  let failed = 0;
  await pool(specs, opts.connectConcurrency, async (spec) => {
    try {
      clients.push(await openJoined(spec));
    } catch (error) {
      failed++;
      noteError(error);
    }
  });
  return { joined: clients.length, failed, deflated: clients.filter((c) => c.deflate).length, ms: (nowUs() - t0) / 1000 };
}

// ---- scenarios ----
const blocked = [];
let gateTimer;
function lagTooHigh() {
  return Atomics.load(counters, EXPECTED) - Atomics.load(counters, DELIVERED) > opts.maxLag;
}
function releaseBlocked() {
  gateTimer = undefined;
  if (stopping) return;
  if (lagTooHigh()) {
    gateTimer = setTimeout(releaseBlocked, 1);
    return;
  }
  for (const c of blocked.splice(0)) c.send(chatMessage());
}

function startFanout() {
  for (const c of clients) {
    c.onCompressed = onCompressedDelivery;
    c.onText = (buf, s, e) => {
      const t = buf[s + 9];
      if (t === T_MESSAGE) onDelivered(buf, s, e);
      else if (t === T_ACK) {
        m.acks++;
        const r = recipientsOf(buf, s, e);
        m.recipients += r;
        Atomics.add(counters, EXPECTED, r);
        if (stopping) return;
        if (lagTooHigh()) {
          m.gatedSends++;
          blocked.push(c);
          gateTimer ??= setTimeout(releaseBlocked, 1);
        } else c.send(chatMessage());
      } else if (t === T_ERROR) noteError(textOf(buf, s, e));
    };
  }
  for (const c of clients) if (c.user.sender) for (let i = 0; i < opts.window; i++) c.send(chatMessage());
}

let roomsTimer;
function startRooms() {
  const period = 1000 / opts.rate;
  const now = performance.now();
  for (const c of clients) {
    c.nextAt = now + Math.random() * period;
    c.onCompressed = onCompressedDelivery;
    c.onText = (buf, s, e) => {
      const t = buf[s + 9];
      if (t === T_MESSAGE) onDelivered(buf, s, e);
      else if (t === T_ACK) {
        m.acks++;
        m.recipients += recipientsOf(buf, s, e);
      } else if (t === T_ERROR) noteError(textOf(buf, s, e));
    };
  }
  roomsTimer = setInterval(() => {
    const t = performance.now();
    for (const c of clients) {
      if (t < c.nextAt) continue;
      c.send(chatMessage());
      c.nextAt += period;
      if (c.nextAt < t - 1000) c.nextAt = t + period; // fell far behind: do not burst to catch up
    }
  }, opts.tickMs);
}

const churnLive = new Set();
let churnDone;
function startChurn() {
  const loops = specs.map((spec) => churnLoop(spec));
  churnDone = Promise.all(loops);
}
async function churnLoop(spec) {
  while (!stopping) {
    const t0 = nowUs();
    let client;
    try {
      client = await RawClient.connect({ port: spec.port ?? port, localAddress: spec.localAddress, deflate: opts.deflate });
      churnLive.add(client);
      const welcome = waitFor(client, T_WELCOME);
      client.send(JSON.stringify({ username: spec.username, topic: spec.topic }));
      await welcome;
      const ack = waitFor(client, T_ACK);
      client.send(chatMessage());
      const ackFrame = await ack;
      m.recipients += recipientsOf(ackFrame, 0, ackFrame.length);
      m.acks++;
      const closed = new Promise((resolve) => {
        client.onClosed = resolve;
        if (client.gone) resolve();
      });
      client.close();
      await Promise.race([closed, sleep(5000).then(() => Promise.reject(new Error('close handshake timed out')))]);
      if (stopping) break;
      m.cycles++;
      histAdd(m.lat, nowUs() - t0);
    } catch (error) {
      if (stopping) break;
      noteError(error);
      await sleep(20);
    } finally {
      if (client) {
        churnLive.delete(client);
        if (!client.gone) client.destroy();
      }
    }
  }
}

// ---- commands from the main thread ----
function snapshot() {
  const { lat, ...rest } = m;
  return { ...rest, lat: Array.from(lat), errorSamples: errorSamples.slice(), cpu: undefined };
}

parentPort.on('message', async (msg) => {
  try {
    switch (msg.cmd) {
      case 'setup': {
        const result = scenario === 'churn' ? { joined: 0, failed: 0, ms: 0 } : await setupAll();
        parentPort.postMessage({ type: 'setup', ...result, errorSamples: errorSamples.slice() });
        break;
      }
      case 'go':
        if (scenario === 'fanout') startFanout();
        else if (scenario === 'rooms') startRooms();
        else if (scenario === 'churn') startChurn();
        parentPort.postMessage({ type: 'go' });
        break;
      case 'poke': {
        // Idle connections: every client counts what it gets (without inflating); each
        // topic's first member sends one message, so that every member gets one frame.
        const count = () => pendingDelivered++;
        for (const c of clients) {
          c.onText = count;
          c.onCompressed = count;
        }
        let sent = 0;
        for (const c of clients) if (c.user.poker) (c.send(chatMessage()), sent++);
        parentPort.postMessage({ type: 'poke', sent, deflate: clients.filter((c) => c.deflate).length });
        break;
      }
      case 'mark':
        m = freshCounters();
        parentPort.postMessage({ type: 'mark' });
        break;
      case 'report':
        parentPort.postMessage({ type: 'report', ...snapshot() });
        break;
      case 'stop': {
        stopping = true;
        clearInterval(roomsTimer);
        clearTimeout(gateTimer);
        // RST rather than FIN: no TIME_WAIT left behind on our ephemeral ports.
        for (const c of clients) c.reset();
        for (const c of churnLive) c.reset();
        if (churnDone) await Promise.race([churnDone, sleep(2000)]);
        // No socket may be left open or half-closed: terminating a thread with
        // pending handles can hang in Node 20.
        for (let i = 0; i < 100 && openSockets.size > 0; i++) {
          for (const socket of openSockets) if (!socket.destroyed) socket.destroy();
          await sleep(20);
        }
        parentPort.postMessage({ type: 'stop', index, open: openSockets.size });
        break;
      }
    }
  } catch (error) {
    parentPort.postMessage({ type: 'fatal', error: String(error?.stack ?? error) });
  }
});
parentPort.postMessage({ type: 'hello', index });
