#!/usr/bin/env node
// Parse throughput of masked client frames: our sans-I/O FrameDecoder against
// ws's Receiver, on the same bytes in the same run, rounds alternating.
// The bytes arrive in 64 KiB chunks, as a socket would hand them over; both
// decoders unmask in place, so every round gets a fresh copy (made outside
// the timed region).
//   node bench/parse.js [--rounds 7] [--mib 4] [--chunk 65536]
import { createRequire } from 'node:module';
import { randomFillSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { isUtf8 } from 'node:buffer';
// ws's package exports do not expose 'ws/lib/receiver.js'; the same class is exported by name.
import { Receiver } from 'ws';
import { FrameDecoder } from '../dist/websocket/decoder.js';

const require = createRequire(import.meta.url);
const MAX = 16 * 1024 * 1024;
export const SIZES = [16, 125, 1024, 64 * 1024, 1024 * 1024];

/** What ws runs on here: its native add-ons are optional and not installed. */
export function wsEnvironment() {
  const has = (name) => {
    try {
      require.resolve(name);
      return true;
    } catch {
      return false;
    }
  };
  const httpMask = typeof require('node:http').websocketUnmask === 'function';
  const utf8 = typeof isUtf8 === 'function'
    ? 'buffer.isUtf8 (Node built-in; ws uses it before trying utf-8-validate), JS loop under 24 B'
    : has('utf-8-validate') ? 'utf-8-validate (native)' : 'JS loop';
  const unmask = httpMask
    ? 'http.websocketUnmask (Node built-in)'
    : has('bufferutil') ? 'bufferutil (native)' : 'JS byte loop (bufferutil not installed, no http.websocketUnmask)';
  return { version: require('ws/package.json').version, utf8, unmask, utf8Validate: has('utf-8-validate'), bufferutil: has('bufferutil') };
}

function textPayload(size) {
  if (size === 16) return Buffer.from('{"message":"hi"}');
  // JSON chat text, mostly ASCII with a few two-byte characters, exactly `size` bytes.
  const pre = '{"message":"';
  const post = '"}';
  const unit = 'Hello, wörld! Ça va? ';
  const room = size - pre.length - post.length;
  const unitBytes = Buffer.byteLength(unit);
  const s = pre + unit.repeat(Math.floor(room / unitBytes)) + 'x'.repeat(room % unitBytes) + post;
  const buf = Buffer.from(s);
  if (buf.length !== size) throw new Error(`payload of ${buf.length} bytes, wanted ${size}`);
  return buf;
}

/** `count` masked frames of `size` payload bytes, each with its own mask key. */
function buildFrames(size, count, text) {
  const h = size < 126 ? 2 : size < 65536 ? 4 : 10;
  const frameLen = h + 4 + size;
  const out = Buffer.allocUnsafe(frameLen * count);
  const payload = text ? textPayload(size) : randomFillSync(Buffer.allocUnsafe(size));
  const key = Buffer.allocUnsafe(4);
  for (let f = 0; f < count; f++) {
    const at = f * frameLen;
    out[at] = text ? 0x81 : 0x82;
    if (h === 2) out[at + 1] = 0x80 | size;
    else if (h === 4) {
      out[at + 1] = 0x80 | 126;
      out.writeUInt16BE(size, at + 2);
    } else {
      out[at + 1] = 0x80 | 127;
      out.writeUInt32BE(0, at + 2);
      out.writeUInt32BE(size, at + 6);
    }
    randomFillSync(key);
    key.copy(out, at + h);
    const p = at + h + 4;
    for (let i = 0; i < size; i++) out[p + i] = payload[i] ^ key[i & 3];
  }
  return out;
}

function chunksOf(buf, chunkSize) {
  const chunks = [];
  for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, Math.min(buf.length, i + chunkSize)));
  return chunks;
}

// Each variant returns the elapsed ms and the messages it delivered.
const VARIANTS = {
  ours(chunks) {
    let n = 0;
    let fault;
    const decoder = new FrameDecoder(
      {
        onMessage: () => n++,
        onPing() {},
        onPong() {},
        onClose() {},
        onFault: (code, reason) => (fault = `${code} ${reason}`),
      },
      { role: 'server', maxMessageSize: MAX, maxFragments: 100000 },
    );
    const t0 = performance.now();
    for (let i = 0; i < chunks.length; i++) decoder.push(chunks[i]);
    const ms = performance.now() - t0;
    if (fault) throw new Error(`our decoder failed: ${fault}`);
    return { ms, n };
  },
  ws(chunks) {
    return runWs(chunks, false);
  },
  // ws hands text over as a Buffer; a chat server then decodes it, as ours does.
  'ws+toString'(chunks) {
    return runWs(chunks, true);
  },
};

function runWs(chunks, decode) {
  let n = 0;
  let error;
  const receiver = new Receiver({ isServer: true, maxPayload: MAX, binaryType: 'nodebuffer' });
  receiver.on('message', decode ? (data, isBinary) => (isBinary || data.toString(), n++) : () => n++);
  receiver.on('error', (e) => (error = e));
  const t0 = performance.now();
  // As ws's WebSocket feeds it from the socket's 'data' events.
  for (let i = 0; i < chunks.length; i++) receiver.write(chunks[i]);
  const ms = performance.now() - t0;
  if (error) throw new Error(`ws receiver failed: ${error.message}`);
  return { ms, n };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs every size and type; returns one row per (size, type) with medians. */
export function runParse({ rounds = 7, mib = 4, chunk = 65536, warmup = 2, log = () => {} } = {}) {
  const rows = [];
  for (const size of SIZES) {
    for (const text of [true, false]) {
      const frameLen = (size < 126 ? 2 : size < 65536 ? 4 : 10) + 4 + size;
      const count = Math.max(8, Math.round((mib * 2 ** 20) / frameLen));
      const source = buildFrames(size, count, text);
      const names = text ? ['ours', 'ws', 'ws+toString'] : ['ours', 'ws'];
      const results = Object.fromEntries(names.map((v) => [v, []]));
      for (let r = 0; r < warmup + rounds; r++) {
        for (const v of r % 2 === 0 ? names : [...names].reverse()) {
          const copy = Buffer.from(source); // fresh bytes: unmasking is in place
          const chunks = chunksOf(copy, chunk);
          const { ms, n } = VARIANTS[v](chunks);
          if (n !== count) throw new Error(`${v}: ${n} messages from ${count} frames of ${size} B`);
          if (r >= warmup) results[v].push(ms);
        }
      }
      const row = { size, type: text ? 'text' : 'binary', frames: count, bytes: source.length };
      for (const v of names) {
        const ms = median(results[v]);
        row[v] = { mbps: source.length / 1e6 / (ms / 1000), fps: count / (ms / 1000), ms };
      }
      rows.push(row);
      log(row);
    }
  }
  return rows;
}

const fmtSize = (n) => (n >= 2 ** 20 ? `${n / 2 ** 20} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`);
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtFps = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));

/** Table rows (arrays of cells) for printing. */
export function parseTable(rows) {
  const header = ['payload', 'type', 'frames', 'ours MB/s', 'ws MB/s', 'ours/ws', 'ours frames/s', 'ws frames/s', 'ws+toString MB/s', 'ours/(ws+toString)'];
  const body = rows.map((r) => [
    fmtSize(r.size),
    r.type,
    String(r.frames),
    fmt(r.ours.mbps),
    fmt(r.ws.mbps),
    (r.ours.mbps / r.ws.mbps).toFixed(2),
    fmtFps(r.ours.fps),
    fmtFps(r.ws.fps),
    r['ws+toString'] ? fmt(r['ws+toString'].mbps) : '-',
    r['ws+toString'] ? (r.ours.mbps / r['ws+toString'].mbps).toFixed(2) : '-',
  ]);
  return [header, ...body];
}

export function formatText(table) {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function formatMarkdown(table) {
  const [header, ...body] = table;
  const align = header.map((_, c) => (c < 2 ? '---' : '---:'));
  return [header, align, ...body].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '7' }, mib: { type: 'string', default: '4' }, chunk: { type: 'string', default: '65536' } },
  });
  const env = wsEnvironment();
  console.log(`ws ${env.version}: UTF-8 validation by ${env.utf8}; unmasking by ${env.unmask}`);
  console.log(`chunks of ${values.chunk} B, ~${values.mib} MiB of frames per size, median of ${values.rounds} alternating rounds\n`);
  const rows = runParse({ rounds: Number(values.rounds), mib: Number(values.mib), chunk: Number(values.chunk) });
  const table = parseTable(rows);
  console.log(formatText(table));
  console.log(`\n${formatMarkdown(table)}`);
}
