/**
 * Hardening: the server's limits over real sockets on 127.0.0.1. Slow
 * consumers, rate limits, typing throttle, heartbeat, handshake timeout,
 * connection caps, header size cap, Origin policy and name validation.
 *
 * Raw `node:net` peers are used wherever a test needs a client that
 * misbehaves in a way a real client library would not allow (never reads,
 * never answers pings, dribbles its request).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { connect } from '../../lib/websocket/client.ts';
import type { WebSocketConnection } from '../../lib/websocket/connection.ts';
import { join, ourClient, sleep, wsClient, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------
// A small raw WebSocket peer: masked frame builder, server frame parser,
// hand-made handshake. Independent of lib/ on purpose.
// ---------------------------------------------------------------------------

function maskedFrame(opcode: number, payload: Buffer | string = Buffer.alloc(0), fin = true): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const length = data.length;
  const extra = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + extra + 4);
  header[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  if (extra === 0) header[1] = 0x80 | length;
  else if (extra === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const key = randomBytes(4);
  key.copy(header, 2 + extra);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = data[i]! ^ key[i & 3]!;
  return Buffer.concat([header, body]);
}

const textFrame = (text: string): Buffer => maskedFrame(0x1, text);

interface ServerFrame {
  opcode: number;
  fin: boolean;
  masked: boolean;
  payload: Buffer;
}

/** Parses the server's (unmasked) frames out of a byte stream. */
class FrameReader {
  readonly frames: ServerFrame[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  onFrame: ((frame: ServerFrame) => void) | undefined;

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const masked = (b[1]! & 0x80) !== 0;
      let length = b[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (masked) at += 4;
      if (b.length < at + length) return;
      const frame: ServerFrame = {
        opcode: b[0]! & 0x0f,
        fin: (b[0]! & 0x80) !== 0,
        masked,
        payload: Buffer.from(b.subarray(at, at + length)),
      };
      this.buffer = b.subarray(at + length);
      this.frames.push(frame);
      this.onFrame?.(frame);
    }
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 0x1).map((f) => f.payload.toString('utf8'));
  }

  closeFrame(): { code: number | undefined; reason: string } | undefined {
    const f = this.frames.find((x) => x.opcode === 0x8);
    if (!f) return undefined;
    return {
      code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : undefined,
      reason: f.payload.subarray(2).toString('utf8'),
    };
  }
}

interface RawPeer {
  socket: net.Socket;
  reader: FrameReader;
  /** Resolves when the TCP connection is closed (FIN, reset or destroy). */
  ended: Promise<void>;
  isEnded(): boolean;
  /** Resolves with the next text frame (parsed) of `type`. */
  next(type: string, timeoutMs?: number): Promise<Frame>;
}

/** Opens a raw WebSocket connection: the handshake by hand, then frames. */
function rawPeer(port: number, path = '/ws'): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const reader = new FrameReader();
    let ended = false;
    let endedResolve!: () => void;
    const endedPromise = new Promise<void>((r) => (endedResolve = r));
    socket.on('error', () => {});
    socket.on('close', () => {
      ended = true;
      endedResolve();
    });
    let head = Buffer.alloc(0);
    let upgraded = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw handshake timed out'));
    }, 5000);
    const onData = (chunk: Buffer): void => {
      if (upgraded) return reader.push(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      clearTimeout(timer);
      const status = head.subarray(0, end).toString('latin1').split('\r\n')[0]!;
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        socket.destroy();
        reject(new Error(`raw handshake got ${status}`));
        return;
      }
      upgraded = true;
      const rest = head.subarray(end + 4);
      resolve(peer);
      if (rest.length > 0) reader.push(rest);
    };
    socket.on('data', onData);
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const peer: RawPeer = {
      socket,
      reader,
      ended: endedPromise,
      isEnded: () => ended,
      async next(type, timeoutMs = 3000) {
        const deadline = Date.now() + timeoutMs;
        let seen = 0;
        for (;;) {
          const texts = reader.texts();
          for (; seen < texts.length; seen++) {
            const frame = JSON.parse(texts[seen]!) as Frame;
            if (frame.type === type) return frame;
          }
          if (Date.now() > deadline || ended) throw new Error(`raw peer: no ${type} within ${timeoutMs} ms`);
          await sleep(10);
        }
      },
    };
  });
}

/** Waits for `promise` at most `ms`; resolves true if it settled in time. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 20 ms for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}

interface UpgradeResult {
  status: number;
  /** The upgraded socket (status 101), left open for the caller. */
  socket: net.Socket | undefined;
}

/** An upgrade request through node:http; a 101 socket is returned open. */
function upgrade(
  port: number,
  options: { headers?: Record<string, string>; localAddress?: string; path?: string } = {},
): Promise<UpgradeResult> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: options.path ?? '/ws',
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...options.headers,
      },
    });
    req.setTimeout(5000, () => req.destroy(new Error('upgrade timed out')));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, socket: undefined });
    });
    req.on('upgrade', (_res, socket: net.Socket) => {
      socket.on('error', () => {});
      resolve({ status: 101, socket });
    });
    req.on('error', reject);
    req.end();
  });
}

async function healthConnections(server: RunningChatServer): Promise<number> {
  const res = await fetch(`${server.http}/healthz`);
  const body = (await res.json()) as { connections: number };
  return body.connections;
}

/** Our client without frame storage: counts chat messages by id. */
interface Counter {
  connection: WebSocketConnection;
  ids: Set<number>;
  acks: { id: number; recipients: number }[];
  left: string[];
  errors: string[];
  closed: { code: number; reason: string } | undefined;
}

async function counter(url: string, username: string, topic: string): Promise<Counter> {
  const connection = await connect(url);
  const c: Counter = { connection, ids: new Set(), acks: [], left: [], errors: [], closed: undefined };
  let welcomed!: () => void;
  const welcome = new Promise<void>((r) => (welcomed = r));
  connection.on('message', (data, isBinary) => {
    if (isBinary) return;
    const frame = JSON.parse(data as string) as Frame;
    if (frame.type === 'message') c.ids.add(frame.id as number);
    else if (frame.type === 'ack') c.acks.push({ id: frame.id as number, recipients: frame.recipients as number });
    else if (frame.type === 'left') c.left.push(frame.username as string);
    else if (frame.type === 'error') c.errors.push(frame.code as string);
    else if (frame.type === 'welcome') welcomed();
  });
  connection.on('close', (code, reason) => (c.closed = { code, reason }));
  connection.on('error', () => {});
  connection.send(JSON.stringify({ username, topic }));
  assert.ok(await within(welcome, 3000), `${username} got no welcome`);
  return c;
}

function loadGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => gc();
}

// ---------------------------------------------------------------------------

describe('slow consumer', () => {
  /** Filled by the first test for the second: what the acks said vs what the slow peer got. */
  let ackReport: { countedSlow: number; slowReceived: number; countedButLost: number; maxBuffered: number } | undefined;

  it('closes a client that never reads, frees its output, and the others get every message', { timeout: 30_000 }, async (t) => {
    const maxBuffered = 1 * MiB;
    const server = await startChatServer({ rateLimit: 0, maxBuffered, maxMessageLength: 8000, messageTtl: 0.001 });
    const gc = loadGc();
    const cleanup: (() => void)[] = [];
    try {
      const slow = await rawPeer(server.port);
      cleanup.push(() => slow.socket.destroy());
      slow.socket.write(textFrame(JSON.stringify({ username: 'slow', topic: 'flood' })));
      await slow.next('welcome');
      // From now on the slow peer never reads: the kernel buffers fill up, then the server's.
      slow.socket.pause();

      const readers = [await counter(server.url, 'reader1', 'flood'), await counter(server.url, 'reader2', 'flood')];
      const flooders = [await counter(server.url, 'flooder1', 'flood'), await counter(server.url, 'flooder2', 'flood')];
      for (const c of [...readers, ...flooders]) cleanup.push(() => c.connection.terminate());

      // Memory: the peak RSS, and what is still referenced (heap + Buffers,
      // after a full GC) sampled every 250 ms. Output queued for the slow
      // peer would be retained memory; garbage from the flood is not.
      gc();
      const baseline = process.memoryUsage();
      const retained = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.external;
      let peakRss = baseline.rss;
      let peakRetained = retained(baseline);
      let lastGcAt = Date.now();
      const sampleAfterGc = (): void => {
        gc();
        lastGcAt = Date.now();
        peakRetained = Math.max(peakRetained, retained(process.memoryUsage()));
      };
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
      cleanup.push(() => clearInterval(sampler));

      // Flood: 4000-character messages, at most 50 unacknowledged per flooder
      // (so that one event-loop turn never queues anywhere near 1 MiB for a
      // healthy reader: the cap counts this turn's unflushed frames too),
      // until the slow peer is gone and some more traffic has passed, or a bound.
      const text = 'x'.repeat(4000);
      const maxPerFlooder = 5000; // 2 x 5000 x ~4 KiB = ~40 MiB towards the slow peer
      const sent = [0, 0];
      const started = Date.now();
      let slowGoneAtSent = -1;
      while (Date.now() - started < 12_000) {
        const slowGone = readers[0]!.left.includes('slow');
        if (slowGone && slowGoneAtSent < 0) slowGoneAtSent = sent[0]! + sent[1]!;
        if (slowGone && sent[0]! + sent[1]! >= slowGoneAtSent + 200) break;
        if (sent[0]! >= maxPerFlooder && sent[1]! >= maxPerFlooder) break;
        for (let f = 0; f < 2; f++) {
          const flooder = flooders[f]!;
          while (sent[f]! < maxPerFlooder && sent[f]! - flooder.acks.length < 50) {
            flooder.connection.send(JSON.stringify({ message: text }));
            sent[f]!++;
          }
        }
        if (Date.now() - lastGcAt >= 250) sampleAfterGc();
        await sleep(5);
      }
      sampleAfterGc();
      const totalSent = sent[0]! + sent[1]!;
      // Let everything in flight arrive.
      await until(() => flooders.every((f, i) => f.acks.length === sent[i]), 10_000);
      const acked = flooders.flatMap((f) => f.acks.map((a) => a.id));
      await until(() => readers.every((r) => r.ids.size >= acked.length), 10_000);
      // The server drops the slow peer's TCP connection shortly after deciding to.
      await until(() => readers.every((r) => r.left.includes('slow')), 5000);
      clearInterval(sampler);

      assert.ok(readers[0]!.left.includes('slow'), `the slow consumer was not dropped after ${totalSent} messages of 4 KiB`);
      assert.ok(readers[1]!.left.includes('slow'));
      assert.equal(acked.length, totalSent, 'every flooded message was acknowledged');
      for (const r of readers) {
        const missing = acked.filter((id) => !r.ids.has(id));
        assert.deepEqual(missing.slice(0, 10), [], `a healthy reader missed ${missing.length} messages`);
      }
      // Each flooder got every message of the other one.
      assert.ok(flooders[1]!.acks.every((a) => flooders[0]!.ids.has(a.id)));
      assert.ok(flooders[0]!.acks.every((a) => flooders[1]!.ids.has(a.id)));
      for (const c of [...readers, ...flooders]) {
        assert.equal(c.closed, undefined, 'a healthy client was closed');
        assert.deepEqual(c.errors, []);
      }
      // Server side: the slow connection is gone.
      assert.equal(await healthConnections(server), 4);

      sampleAfterGc();
      const rssGrowth = (peakRss - baseline.rss) / MiB;
      const retainedGrowth = (peakRetained - retained(baseline)) / MiB;
      const finalGrowth = (retained(process.memoryUsage()) - retained(baseline)) / MiB;
      t.diagnostic(
        `${totalSent} messages; peak RSS +${rssGrowth.toFixed(1)} MiB, peak retained +${retainedGrowth.toFixed(1)} MiB, ` +
          `retained at the end +${finalGrowth.toFixed(1)} MiB`,
      );
      // The process holds the server and every client. Unbounded buffering
      // towards the slow peer would retain ~35 MiB (all it was sent, minus
      // the ~5 MiB the kernel holds); the cap allows 1 MiB of it.
      assert.ok(retainedGrowth < 24, `retained memory grew by ${retainedGrowth.toFixed(1)} MiB (bound 24 MiB, --max-buffered 1 MiB)`);
      assert.ok(finalGrowth < 12, `retained memory after the slow peer left is +${finalGrowth.toFixed(1)} MiB (bound 12 MiB)`);
      // RSS also carries the flood's garbage (every client parses megabytes of JSON).
      assert.ok(rssGrowth < 96, `RSS grew by ${rssGrowth.toFixed(1)} MiB (bound 96 MiB)`);

      // Now read what reached the slow peer: a 1013/1008 close frame if it got
      // through, and in any case the end of the TCP connection.
      slow.socket.resume();
      assert.ok(await within(slow.ended, 5000), 'the slow peer\'s TCP connection was not closed');
      const close = slow.reader.closeFrame();
      if (close !== undefined) assert.ok(close.code === 1013 || close.code === 1008, `slow consumer close code ${close.code}`);
      t.diagnostic(close ? `close frame ${close.code} ${close.reason}` : 'no close frame reached the slow peer (it was unresponsive)');

      // For the next test: acks that counted the slow peer (recipients = 4:
      // slow, two readers, the other flooder) against what it received.
      const slowIds = new Set<number>();
      for (const text of slow.reader.texts()) {
        const frame = JSON.parse(text) as Frame;
        if (frame.type === 'message') slowIds.add(frame.id as number);
      }
      const counted = flooders.flatMap((f) => f.acks).filter((a) => a.recipients === 4);
      ackReport = {
        countedSlow: counted.length,
        slowReceived: slowIds.size,
        countedButLost: counted.filter((a) => !slowIds.has(a.id)).length,
        maxBuffered,
      };
    } finally {
      for (const f of cleanup) f();
      await server.stop();
    }
  });

  it('acks stop counting the slow consumer once the server has dropped it', { timeout: 5_000 }, (t) => {
    // Contract: "recipients is how many connections the message was written
    // to". Bytes the kernel took reach the peer even after the server closes
    // its socket; only what the server still held (at most --max-buffered,
    // discarded at the drop) may be counted and lost. ~4.1 KiB per frame.
    if (ackReport === undefined) return t.skip('the slow-consumer test did not get that far');
    const bound = Math.ceil(ackReport.maxBuffered / 4000) + 16;
    t.diagnostic(JSON.stringify(ackReport));
    assert.ok(
      ackReport.countedButLost <= bound,
      `${ackReport.countedButLost} acks counted the slow consumer for messages it never got ` +
        `(bound ${bound}: what fits in --max-buffered); ${ackReport.countedSlow} acks counted it, it received ${ackReport.slowReceived}`,
    );
  });
});

describe('rate limit over the wire', () => {
  it('a flooder gets rate_limited, then 1008 after > 2 s; a well-behaved client is unaffected', { timeout: 20_000 }, async () => {
    const server = await startChatServer(); // default: 50/s, burst 100
    const cleanup: (() => void)[] = [];
    try {
      const flooder = await counter(server.url, 'flooder', 'rl');
      const good = await counter(server.url, 'good', 'rl');
      const observer = await counter(server.url, 'observer', 'rl');
      for (const c of [flooder, good, observer]) cleanup.push(() => c.connection.terminate());

      // The well-behaved client sends 10 messages a second throughout.
      let goodSent = 0;
      const goodTimer = setInterval(() => {
        if (goodSent < 100) {
          good.connection.send(JSON.stringify({ message: `good ${goodSent}` }));
          goodSent++;
        }
      }, 100);
      cleanup.push(() => clearInterval(goodTimer));

      // 300 as fast as possible.
      for (let i = 0; i < 300; i++) flooder.connection.send(JSON.stringify({ message: `flood ${i}` }));
      assert.ok(await until(() => flooder.errors.includes('rate_limited'), 3000), 'no rate_limited error for 300 fast messages');
      const ackedInBurst = flooder.acks.length;
      assert.ok(ackedInBurst < 300, `all ${ackedInBurst} of 300 fast messages were accepted`);

      // Keep flooding (bounded): the server must close it with 1008.
      const started = Date.now();
      let n = 300;
      while (flooder.closed === undefined && Date.now() - started < 6000 && n < 20_000) {
        for (let i = 0; i < 20; i++) flooder.connection.send(JSON.stringify({ message: `flood ${n++}` }));
        await sleep(10);
      }
      assert.ok(await until(() => flooder.closed !== undefined, 3000), 'the flooder was not closed');
      assert.equal(flooder.closed!.code, 1008);

      clearInterval(goodTimer);
      await until(() => good.acks.length === goodSent, 3000);
      assert.equal(good.acks.length, goodSent, 'every message of the good client was acknowledged');
      assert.deepEqual(good.errors, [], 'the good client got errors');
      assert.equal(good.closed, undefined);
      // Both others got every message the flooder had acknowledged, and the good client's.
      const flooderIds = flooder.acks.map((a) => a.id);
      await until(() => flooderIds.every((id) => good.ids.has(id) && observer.ids.has(id)), 3000);
      assert.ok(flooderIds.every((id) => good.ids.has(id) && observer.ids.has(id)), 'a healthy client missed an acknowledged message');
      assert.ok(good.acks.every((a) => observer.ids.has(a.id)));
      assert.ok(observer.left.includes('flooder'));
      assert.deepEqual(observer.errors, []);
    } finally {
      for (const f of cleanup) f();
      await server.stop();
    }
  });

  it('--rate-limit 0 turns it off: 300 fast messages, 300 acks, no rate_limited', { timeout: 15_000 }, async () => {
    const server = await startChatServer({ rateLimit: 0 });
    const cleanup: (() => void)[] = [];
    try {
      const fast = await counter(server.url, 'fast', 'rl0');
      const other = await counter(server.url, 'other', 'rl0');
      for (const c of [fast, other]) cleanup.push(() => c.connection.terminate());
      for (let i = 0; i < 300; i++) fast.connection.send(JSON.stringify({ message: `m ${i}` }));
      await until(() => fast.acks.length === 300 && other.ids.size === 300, 5000);
      assert.equal(fast.acks.length, 300);
      assert.equal(other.ids.size, 300);
      assert.deepEqual(fast.errors, []);
      assert.equal(fast.closed, undefined);
    } finally {
      for (const f of cleanup) f();
      await server.stop();
    }
  });
});

describe('typing throttle', () => {
  it('20 typing frames in a burst produce at most a few typing frames at the other client', { timeout: 10_000 }, async () => {
    const server = await startChatServer();
    const clients: ChatTestClient[] = [];
    try {
      const a = await ourClient(server.url);
      const b = await ourClient(server.url);
      clients.push(a, b);
      await join(a, 'typist', 'typing');
      await join(b, 'watcher', 'typing');
      for (let i = 0; i < 20; i++) a.send({ typing: true });
      a.send({ message: 'marker' });
      const marker = await b.next('message');
      assert.equal(marker.message, 'marker');
      await sleep(200);
      const typing = b.frames.filter((f) => f.type === 'typing');
      assert.ok(typing.length >= 1, 'no typing frame at all');
      assert.ok(typing.length <= 3, `${typing.length} typing frames for a burst of 20`);
      assert.equal(typing[0]!.username, 'typist');
      assert.equal(a.frames.filter((f) => f.type === 'error').length, 0);
    } finally {
      for (const c of clients) c.destroy();
      await server.stop();
    }
  });
});

describe('heartbeat', () => {
  it('--heartbeat 0.3 drops a peer that never answers pings; ours and ws stay connected', { timeout: 15_000 }, async () => {
    const server = await startChatServer({ heartbeat: 0.3 });
    const clients: ChatTestClient[] = [];
    let silent: RawPeer | undefined;
    try {
      const ours = await ourClient(server.url);
      const theirs = await wsClient(server.url);
      clients.push(ours, theirs);
      await join(ours, 'ours', 'hb');
      await join(theirs, 'theirs', 'hb');
      const closedEarly: string[] = [];
      void ours.closed.then(() => closedEarly.push('ours'));
      void theirs.closed.then(() => closedEarly.push('ws'));

      silent = await rawPeer(server.port);
      silent.socket.write(textFrame(JSON.stringify({ username: 'silent', topic: 'hb' })));
      await silent.next('welcome');
      const joinedAt = Date.now();
      // It reads everything but never writes again.

      const left = await ours.next('left', 3000);
      assert.equal(left.username, 'silent');
      assert.equal((await theirs.next('left', 3000)).username, 'silent');
      assert.ok(await within(silent.ended, 2000), 'the silent peer\'s TCP connection is still open');
      assert.ok(silent.reader.frames.some((f) => f.opcode === 0x9), 'the silent peer never saw a ping');

      const wait = 1500 - (Date.now() - joinedAt);
      if (wait > 0) await sleep(wait);
      await sleep(300); // at least one more heartbeat round
      assert.deepEqual(closedEarly, [], 'a client that answers pings was dropped');
      ours.send({ message: 'still here' });
      assert.equal((await theirs.next('message')).message, 'still here');
      theirs.send({ message: 'me too' });
      assert.equal((await ours.next('message')).message, 'me too');
      assert.equal(await healthConnections(server), 2);
    } finally {
      silent?.socket.destroy();
      for (const c of clients) c.destroy();
      await server.stop();
    }
  });
});

describe('handshake timeout', () => {
  it('--handshake-timeout 0.5 closes a silent TCP client and a dribbling one before it finishes', { timeout: 15_000 }, async () => {
    const server = await startChatServer({ handshakeTimeout: 0.5 });
    const sockets: net.Socket[] = [];
    try {
      // 1. Connects and sends nothing.
      const silent = net.connect({ host: '127.0.0.1', port: server.port });
      sockets.push(silent);
      silent.on('error', () => {});
      const silentData: Buffer[] = [];
      silent.on('data', (d) => silentData.push(d));
      const silentClosed = new Promise<void>((r) => silent.on('close', () => r()));
      assert.ok(await within(silentClosed, 4000), 'a client that sends nothing was not closed');
      assert.doesNotMatch(Buffer.concat(silentData).toString('latin1'), /101 Switching/);

      // 2. Dribbles a valid upgrade request, one byte per 100 ms (would take ~17 s).
      const requestText =
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
      const dribbler = net.connect({ host: '127.0.0.1', port: server.port });
      sockets.push(dribbler);
      dribbler.on('error', () => {});
      const dribbled: Buffer[] = [];
      dribbler.on('data', (d) => dribbled.push(d));
      let dribblerClosed = false;
      dribbler.on('close', () => (dribblerClosed = true));
      await new Promise<void>((r) => dribbler.once('connect', () => r()));
      let sentBytes = 0;
      const started = Date.now();
      while (!dribblerClosed && sentBytes < requestText.length && Date.now() - started < 20_000) {
        if (dribbler.writable) dribbler.write(requestText[sentBytes]!);
        sentBytes++;
        await sleep(100);
      }
      await until(() => dribblerClosed, 2000);
      assert.ok(dribblerClosed, 'the dribbling client was never closed');
      assert.ok(sentBytes < requestText.length, `the dribbler finished its ${requestText.length}-byte request`);
      assert.doesNotMatch(Buffer.concat(dribbled).toString('latin1'), /101 Switching/);

      // 3. A normal client is fine afterwards.
      const ok = await upgrade(server.port);
      assert.equal(ok.status, 101);
      ok.socket?.destroy();
    } finally {
      for (const s of sockets) s.destroy();
      await server.stop();
    }
  });
});

describe('connection caps', () => {
  it('--max-connections 3: the 4th upgrade gets 503; closing one frees a slot', { timeout: 15_000 }, async () => {
    const server = await startChatServer({ maxConnections: 3 });
    const open: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const r = await upgrade(server.port);
        assert.equal(r.status, 101, `connection ${i + 1}`);
        open.push(r.socket!);
      }
      assert.equal((await upgrade(server.port)).status, 503);
      // Plain HTTP still works.
      assert.equal((await fetch(`${server.http}/healthz`)).status, 200);
      open.shift()!.destroy();
      assert.ok(await until(async () => (await healthConnections(server)) === 2, 3000), 'the closed connection still counts');
      const again = await upgrade(server.port);
      assert.equal(again.status, 101);
      open.push(again.socket!);
      assert.equal((await upgrade(server.port)).status, 503);
    } finally {
      for (const s of open) s.destroy();
      await server.stop();
    }
  });

  it('--max-connections-per-ip 2: the 3rd from 127.0.0.1 gets 503, 127.0.0.2 is separate', { timeout: 15_000 }, async (t) => {
    const server = await startChatServer({ maxConnectionsPerIp: 2 });
    const open: net.Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const r = await upgrade(server.port, { localAddress: '127.0.0.1' });
        assert.equal(r.status, 101);
        open.push(r.socket!);
      }
      assert.equal((await upgrade(server.port, { localAddress: '127.0.0.1' })).status, 503);

      let other: UpgradeResult | undefined;
      try {
        other = await upgrade(server.port, { localAddress: '127.0.0.2' });
      } catch (error) {
        t.diagnostic(`cannot bind 127.0.0.2 here (${(error as Error).message}); that part is skipped`);
      }
      if (other) {
        assert.equal(other.status, 101, 'a connection from 127.0.0.2 counts separately');
        open.push(other.socket!);
      }

      open.shift()!.destroy();
      assert.ok(
        await until(async () => (await healthConnections(server)) === open.length, 3000),
        'the closed connection still counts',
      );
      const again = await upgrade(server.port, { localAddress: '127.0.0.1' });
      assert.equal(again.status, 101, 'closing one freed a slot');
      open.push(again.socket!);
      assert.equal((await upgrade(server.port, { localAddress: '127.0.0.1' })).status, 503);
    } finally {
      for (const s of open) s.destroy();
      await server.stop();
    }
  });
});

/** Sends raw request bytes and returns the status code of the reply (0 if none). */
function rawStatus(port: number, requestBytes: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('error', () => {});
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(match ? Number(match[1]) : 0);
    });
    socket.on('connect', () => socket.write(requestBytes));
  });
}

describe('header size cap', () => {
  it('an upgrade request with a 64 KiB header gets 431 and the server stays up', { timeout: 15_000 }, async () => {
    const server = await startChatServer();
    try {
      const big =
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        `X-Padding: ${'a'.repeat(64 * 1024)}\r\n\r\n`;
      const status = await rawStatus(server.port, big);
      assert.equal((await fetch(`${server.http}/healthz`)).status, 200, 'the server is down');
      const ok = await upgrade(server.port);
      assert.equal(ok.status, 101);
      ok.socket?.destroy();
      assert.equal(status, 431, `a 64 KiB header got ${status || 'no HTTP answer'}`);
    } finally {
      await server.stop();
    }
  });
});

describe('Origin policy', () => {
  it("--allowed-origins 'http://good.example': good 101, evil 403, none 101", { timeout: 10_000 }, async () => {
    const server = await startChatServer({ allowedOrigins: ['http://good.example'] });
    const sockets: net.Socket[] = [];
    try {
      const good = await upgrade(server.port, { headers: { Origin: 'http://good.example' } });
      assert.equal(good.status, 101);
      sockets.push(good.socket!);
      assert.equal((await upgrade(server.port, { headers: { Origin: 'http://evil.example' } })).status, 403);
      assert.equal((await upgrade(server.port, { headers: { Origin: `http://127.0.0.1:${server.port}` } })).status, 403);
      const none = await upgrade(server.port);
      assert.equal(none.status, 101);
      sockets.push(none.socket!);
    } finally {
      for (const s of sockets) s.destroy();
      await server.stop();
    }
  });

  it('default: an Origin equal to Host is allowed, any other gets 403, no Origin is allowed', { timeout: 10_000 }, async () => {
    const server = await startChatServer();
    const sockets: net.Socket[] = [];
    try {
      const same = await upgrade(server.port, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
      assert.equal(same.status, 101);
      sockets.push(same.socket!);
      assert.equal((await upgrade(server.port, { headers: { Origin: 'http://evil.example' } })).status, 403);
      assert.equal((await upgrade(server.port, { headers: { Origin: `http://127.0.0.1:${server.port + 1}` } })).status, 403);
      assert.equal((await upgrade(server.port, { headers: { Origin: `http://localhost:${server.port}` } })).status, 403);
      assert.equal((await upgrade(server.port, { headers: { Origin: 'null' } })).status, 403);
      const none = await upgrade(server.port);
      assert.equal(none.status, 101);
      sockets.push(none.socket!);
      // A browser-like client with its own origin works end to end.
      const page = await wsClient(server.url, `http://127.0.0.1:${server.port}`);
      await join(page, 'page', 'origin');
      page.destroy();
    } finally {
      for (const s of sockets) s.destroy();
      await server.stop();
    }
  });

  it("'*' allows any Origin", { timeout: 10_000 }, async () => {
    const server = await startChatServer({ allowedOrigins: ['*'] });
    const sockets: net.Socket[] = [];
    try {
      for (const origin of ['http://evil.example', 'https://good.example:8443', 'null']) {
        const r = await upgrade(server.port, { headers: { Origin: origin } });
        assert.equal(r.status, 101, origin);
        sockets.push(r.socket!);
      }
    } finally {
      for (const s of sockets) s.destroy();
      await server.stop();
    }
  });
});

describe('names', () => {
  it('NFC makes "e\\u0301" and "\\u00e9" the same name; Cc/Cf characters are rejected; __proto__ does not pollute', { timeout: 10_000 }, async () => {
    const server = await startChatServer();
    const clients: ChatTestClient[] = [];
    const open = async (): Promise<ChatTestClient> => {
      const c = await ourClient(server.url);
      clients.push(c);
      return c;
    };
    try {
      const a = await open();
      const b = await open();
      const wa = await join(a, 'e\u0301', 'names');
      assert.equal(wa.username, '\u00e9', 'the name is stored NFC-normalised');
      const wb = await join(b, '\u00e9', 'names');
      assert.equal(wb.username, '\u00e9#2');
      // Topic names are normalised too.
      const c = await open();
      const wc = await join(c, 'other', 'cafe\u0301');
      assert.equal(wc.topic, 'caf\u00e9');

      const bad = await open();
      for (const [username, topic] of [
        ['ab\u202Ecd', 'names'],
        ['\u200Bbob', 'names'],
        ['bo\u0007b', 'names'],
        ['nul\u0000', 'names'],
        ['del\u007F', 'names'],
        ['c1\u0085', 'names'],
        ['b\uFEFFom', 'names'],
        ['ok', 'to\u202Epic'],
        ['ok', 'zw\u200Bsp'],
        ['ok', 'line\nbreak'],
      ] as const) {
        bad.send({ username, topic });
        const error = await bad.next('error');
        assert.equal(error.code, 'invalid_join', JSON.stringify({ username, topic }));
      }
      // Still open for another try.
      assert.equal((await join(bad, 'fine', 'names')).username, 'fine');

      // __proto__ in JSON is data, never a prototype.
      const p = await open();
      p.send('{"__proto__": {"polluted": "yes", "username": "inherited"}, "username": "proto", "topic": "names"}');
      const wp = await p.next('welcome');
      assert.equal(wp.username, 'proto');
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
      p.send('{"message": "no ref here", "__proto__": {"ref": "leaked"}}');
      const ack = await p.next('ack');
      assert.equal('ref' in ack, false, 'a ref was taken from __proto__');
      // A join payload that is only {"__proto__": {...}} is not a join.
      const q = await open();
      q.send('{"__proto__": {"username": "x", "topic": "names"}}');
      assert.equal((await q.next('error')).code, 'invalid_join');
      // __proto__ and constructor as names and topics are ordinary strings.
      const r1 = await open();
      const r2 = await open();
      const w1 = await join(r1, '__proto__', '__proto__');
      assert.deepEqual([w1.username, w1.topic], ['__proto__', '__proto__']);
      const w2 = await join(r2, 'constructor', '__proto__');
      assert.deepEqual(w2.users, ['__proto__', 'constructor']);
      r2.send('/list');
      const topics = (await r2.next('topics')).topics as { topic: string; users: number }[];
      assert.deepEqual(topics.find((x) => x.topic === '__proto__'), { topic: '__proto__', users: 2 });
      r1.send({ message: '/dm constructor hi' });
      assert.equal((await r2.next('dm')).message, 'hi');
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.equal((await fetch(`${server.http}/healthz`)).status, 200);
    } finally {
      for (const c of clients) c.destroy();
      await server.stop();
    }
  });
});
