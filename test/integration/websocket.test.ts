// The WebSocket layer over real sockets on 127.0.0.1: a node:http server with
// WebSocketServer attached, our connect() client, and hand-driven raw TCP
// peers for the behaviour a well-behaved client never shows.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, HandshakeError } from '../../lib/websocket/client.ts';
import { ReadyState, type WebSocketConnection } from '../../lib/websocket/connection.ts';
import { Opcode, encodeClose, encodeFrame, encodeMessage } from '../../lib/websocket/encoder.ts';
import { acceptKey, generateKey } from '../../lib/websocket/handshake.ts';
import { WebSocketServer, type WebSocketServerOptions } from '../../lib/websocket/server.ts';

const T = { timeout: 10_000 };

// ---------------------------------------------------------------- harness

interface Harness {
  http: Server;
  wss: WebSocketServer;
  port: number;
  url: string;
  /** Server-side connections in the order they were accepted. */
  accepted: WebSocketConnection[];
  nextConnection(): Promise<WebSocketConnection>;
  /**
   * The inbox of a server-side connection, attached synchronously in the
   * 'connection' event so that nothing (e.g. frames that came in `head`) is missed.
   */
  box(c: WebSocketConnection): Inbox;
}

/**
 * Starts an http server with a WebSocketServer on 127.0.0.1:0 and registers
 * cleanup on `t`: every socket it ever accepted is destroyed afterwards.
 * `beforeAttach` runs before the WebSocketServer is attached, so its
 * 'upgrade' listener runs first.
 */
async function startServer(
  t: TestContext,
  options: WebSocketServerOptions = {},
  beforeAttach?: (http: Server) => void,
): Promise<Harness> {
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('upgrade required\n');
  });
  const sockets = new Set<net.Socket>();
  http.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  beforeAttach?.(http);
  const wss = new WebSocketServer({ closeTimeoutMs: 2000, ...options }).attach(http);
  const accepted: WebSocketConnection[] = [];
  const boxes = new Map<WebSocketConnection, Inbox>();
  const waiting: ((c: WebSocketConnection) => void)[] = [];
  let handed = 0;
  wss.on('connection', (c) => {
    accepted.push(c);
    boxes.set(c, inbox(c));
    c.on('error', () => {}); // faults are asserted where expected
    const w = waiting.shift();
    if (w) {
      handed++;
      w(c);
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  assert.ok(address && typeof address === 'object');
  const port = address.port;
  t.after(async () => {
    for (const c of wss.connections) c.terminate();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return {
    http,
    wss,
    port,
    url: `ws://127.0.0.1:${port}/`,
    accepted,
    box: (c) => boxes.get(c)!,
    nextConnection() {
      if (handed < accepted.length) return Promise.resolve(accepted[handed++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** connect() with cleanup registered on `t`. */
async function client(t: TestContext, url: string): Promise<WebSocketConnection> {
  const c = await connect(url);
  c.on('error', () => {});
  t.after(() => c.terminate());
  return c;
}

interface Inbox {
  next(): Promise<[string | Buffer, boolean]>;
  all: [string | Buffer, boolean][];
}

/** Collects messages of a connection and hands them out in order. */
function inbox(c: WebSocketConnection): Inbox {
  const all: [string | Buffer, boolean][] = [];
  const waiters: ((m: [string | Buffer, boolean]) => void)[] = [];
  let taken = 0;
  c.on('message', (data, isBinary) => {
    all.push([data, isBinary]);
    const w = waiters.shift();
    if (w) {
      taken++;
      w([data, isBinary]);
    }
  });
  return {
    all,
    next() {
      if (taken < all.length) return Promise.resolve(all[taken++]!);
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

function closed(c: WebSocketConnection): Promise<[number, string]> {
  if (c.readyState === ReadyState.CLOSED) throw new Error('already closed');
  // Not events.once: that would reject on an 'error' event (a fault precedes the close).
  return new Promise((resolve) => c.once('close', (code, reason) => resolve([code, reason])));
}

// ---------------------------------------------------------------- raw TCP peer

interface RawFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/**
 * A raw TCP peer that performs the opening handshake by hand and then reads
 * server frames (RFC 6455 §5.2) without answering anything on its own.
 */
class RawPeer {
  readonly socket: net.Socket;
  readonly frames: RawFrame[] = [];
  response = '';
  ended = false;
  closed = false;
  private buf = Buffer.alloc(0);
  private handshaken = false;
  private readonly changed = new Set<() => void>();

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('end', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => {});
  }

  static async open(
    t: TestContext,
    port: number,
    opts: { localAddress?: string; handshake?: boolean; path?: string } = {},
  ): Promise<RawPeer> {
    const socket = net.connect({ port, host: '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    t.after(() => socket.destroy());
    const peer = new RawPeer(socket);
    await once(socket, 'connect');
    if (opts.handshake !== false) {
      const key = generateKey();
      socket.write(
        `GET ${opts.path ?? '/'} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      await peer.until(() => peer.handshaken || peer.closed, 'handshake response');
      if (peer.response.startsWith('HTTP/1.1 101')) {
        assert.match(peer.response, new RegExp(`\\r\\nSec-WebSocket-Accept: ${acceptKey(key).replace(/[+/]/g, '\\$&')}\\r\\n`, 'i'));
      }
    }
    return peer;
  }

  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.response)?.[1] ?? 0);
  }

  /** Sends one client frame (masked, as §5.1 requires, unless told otherwise). */
  send(opcode: number, payload: string | Uint8Array = '', mask = true): void {
    this.socket.write(encodeFrame(opcode, payload, { mask }));
  }

  /** Resolves when `cond` holds (checked on every byte and close), or rejects on the test timeout. */
  until(cond: () => boolean, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (cond()) {
          this.changed.delete(check);
          resolve();
        } else if (this.closed) {
          this.changed.delete(check);
          reject(new Error(`connection closed while waiting for ${what}`));
        }
      };
      this.changed.add(check);
    });
  }

  private notify(): void {
    for (const f of [...this.changed]) f();
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    if (!this.handshaken) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return this.notify();
      this.response = this.buf.subarray(0, end + 4).toString('latin1');
      this.buf = this.buf.subarray(end + 4);
      this.handshaken = true;
    }
    for (;;) {
      if (this.buf.length < 2) break;
      const b0 = this.buf[0]!;
      const b1 = this.buf[1]!;
      let len = b1 & 0x7f;
      let pos = 2;
      if (len === 126) {
        if (this.buf.length < 4) break;
        len = this.buf.readUInt16BE(2);
        pos = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) break;
        len = Number(this.buf.readBigUInt64BE(2));
        pos = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      if (masked) pos += 4;
      if (this.buf.length < pos + len) break;
      this.frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, masked, payload: Buffer.from(this.buf.subarray(pos, pos + len)) });
      this.buf = this.buf.subarray(pos + len);
    }
    this.notify();
  }
}

// ---------------------------------------------------------------- tests

describe('messages over real sockets', () => {
  test('text and binary, including 1 MiB, both ways', T, async (t) => {
    const h = await startServer(t);
    const c = await client(t, h.url);
    const s = await h.nextConnection();
    const fromClient = h.box(s);
    const fromServer = inbox(c);
    s.on('message', (data) => s.send(data)); // echo

    const big = Buffer.alloc(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const bigText = 'ünïcødé 🌍 '.repeat(70_000); // ~1 MiB of multi-byte text

    assert.equal(c.send('hello'), true);
    assert.equal(c.send(Uint8Array.of(0, 1, 2, 255)), true);
    assert.equal(c.send(big), true);
    assert.equal(c.send(bigText), true);
    assert.equal(c.send(''), true);
    assert.equal(c.send(Buffer.alloc(0)), true);

    assert.deepEqual(await fromClient.next(), ['hello', false]);
    const b1 = await fromClient.next();
    assert.equal(b1[1], true);
    assert.deepEqual([...(b1[0] as Buffer)], [0, 1, 2, 255]);
    const b2 = await fromClient.next();
    assert.ok(Buffer.isBuffer(b2[0]) && b2[0].equals(big), '1 MiB binary arrived intact at the server');
    const t2 = await fromClient.next();
    assert.equal(t2[1], false);
    assert.ok(t2[0] === bigText, 'large text arrived intact at the server');
    assert.deepEqual(await fromClient.next(), ['', false]);
    const e = await fromClient.next();
    assert.equal(e[1], true);
    assert.equal((e[0] as Buffer).length, 0);

    // The echoes, from server to client, in order.
    assert.deepEqual(await fromServer.next(), ['hello', false]);
    assert.deepEqual([...((await fromServer.next())[0] as Buffer)], [0, 1, 2, 255]);
    const back = await fromServer.next();
    assert.ok(Buffer.isBuffer(back[0]) && back[0].equals(big), '1 MiB binary arrived intact at the client');
    assert.ok((await fromServer.next())[0] === bigText);
    assert.deepEqual(await fromServer.next(), ['', false]);
    assert.equal(((await fromServer.next())[0] as Buffer).length, 0);

    // Server-initiated messages.
    s.send('from server');
    s.send(big.subarray(1000, 70_000));
    assert.deepEqual(await fromServer.next(), ['from server', false]);
    const slice = await fromServer.next();
    assert.ok((slice[0] as Buffer).equals(big.subarray(1000, 70_000)));
  });

  test('ping and pong both ways (RFC 6455 §5.5.2, §5.5.3)', T, async (t) => {
    const h = await startServer(t);
    const c = await client(t, h.url);
    const s = await h.nextConnection();

    const serverSawPing = once(s, 'ping');
    const clientGotPong = once(c, 'pong');
    assert.equal(c.ping('are you there?'), true);
    assert.equal(((await serverSawPing)[0] as Buffer).toString(), 'are you there?');
    assert.equal(((await clientGotPong)[0] as Buffer).toString(), 'are you there?', 'the pong echoes the ping payload');

    const clientSawPing = once(c, 'ping');
    const serverGotPong = once(s, 'pong');
    assert.equal(s.ping(Uint8Array.of(1, 2, 3)), true);
    assert.deepEqual([...((await clientSawPing)[0] as Buffer)], [1, 2, 3]);
    assert.deepEqual([...((await serverGotPong)[0] as Buffer)], [1, 2, 3]);

    // An empty ping.
    const emptyPong = once(c, 'pong');
    c.ping();
    assert.equal(((await emptyPong)[0] as Buffer).length, 0);
  });

  test('a protocol fault by the peer (unmasked client frame) → Close 1002 and the server closes TCP (§5.1, §7.1.7)', T, async (t) => {
    const h = await startServer(t);
    const peer = await RawPeer.open(t, h.port);
    const s = await h.nextConnection();
    // (events.once would reject on 'error'; here the error is what we wait for.)
    const err = new Promise<Error & { closeCode?: number }>((resolve) => s.once('error', resolve));
    const sClosed = closed(s);
    peer.send(Opcode.TEXT, 'not masked', false);
    const e = await err;
    assert.equal(e.closeCode, 1002);
    await peer.until(() => peer.frames.some((f) => f.opcode === Opcode.CLOSE), 'a Close frame');
    const close = peer.frames.find((f) => f.opcode === Opcode.CLOSE)!;
    assert.equal(close.masked, false, 'server frames are not masked');
    assert.equal(close.payload.readUInt16BE(0), 1002);
    await peer.until(() => peer.ended, 'the server to close TCP');
    assert.equal((await sClosed)[0], 1002);
  });
});

describe('closing handshake (RFC 6455 §7)', () => {
  test('client-initiated: code and reason reach the server; the client sees the echoed code', T, async (t) => {
    const h = await startServer(t);
    const c = await client(t, h.url);
    const s = await h.nextConnection();
    const sClosed = closed(s);
    const cClosed = closed(c);
    c.close(4000, 'client says bye');
    assert.equal(c.readyState, ReadyState.CLOSING);
    assert.equal(c.send('too late'), false, 'no data after our Close (§5.5.1)');
    assert.deepEqual(await sClosed, [4000, 'client says bye']);
    const [code] = await cClosed;
    assert.equal(code, 4000, 'the server echoed the code (§5.5.1)');
    assert.equal(c.readyState, ReadyState.CLOSED);
    assert.equal(s.readyState, ReadyState.CLOSED);
  });

  test('server-initiated: code and reason reach the client; the server sees the echoed code', T, async (t) => {
    const h = await startServer(t);
    const c = await client(t, h.url);
    const s = await h.nextConnection();
    const sClosed = closed(s);
    const cClosed = closed(c);
    s.close(4001, 'server says bye');
    assert.deepEqual(await cClosed, [4001, 'server says bye']);
    assert.equal((await sClosed)[0], 4001);
  });

  test('close() without arguments sends 1000', T, async (t) => {
    const h = await startServer(t);
    const c = await client(t, h.url);
    const s = await h.nextConnection();
    const sClosed = closed(s);
    c.close();
    assert.deepEqual(await sClosed, [1000, '']);
  });

  test('client-initiated, raw peer: the server echoes the Close and closes TCP first (§7.1.1)', T, async (t) => {
    const h = await startServer(t);
    const peer = await RawPeer.open(t, h.port);
    const s = await h.nextConnection();
    const sClosed = closed(s);
    peer.socket.write(encodeClose(1000, 'done', { mask: true }));
    await peer.until(() => peer.frames.some((f) => f.opcode === Opcode.CLOSE), 'the echoed Close');
    const echo = peer.frames.find((f) => f.opcode === Opcode.CLOSE)!;
    assert.equal(echo.payload.readUInt16BE(0), 1000);
    // The peer has not ended its side: the FIN it gets is the server's.
    await peer.until(() => peer.ended, 'the server to close TCP');
    assert.deepEqual(await sClosed, [1000, 'done']);
  });

  test('server-initiated, raw peer: after the peer answers, the server closes TCP', T, async (t) => {
    const h = await startServer(t);
    const peer = await RawPeer.open(t, h.port);
    const s = await h.nextConnection();
    const sClosed = closed(s);
    s.close(1001, 'going');
    await peer.until(() => peer.frames.some((f) => f.opcode === Opcode.CLOSE), 'a Close frame');
    const f = peer.frames.find((x) => x.opcode === Opcode.CLOSE)!;
    assert.equal(f.payload.readUInt16BE(0), 1001);
    assert.equal(f.payload.subarray(2).toString(), 'going');
    peer.socket.write(encodeClose(1001, '', { mask: true }));
    await peer.until(() => peer.ended, 'the server to close TCP');
    assert.deepEqual(await sClosed, [1001, '']);
  });

  test('an empty Close from the peer is answered with an empty Close; the code is 1005 (§7.1.5)', T, async (t) => {
    const h = await startServer(t);
    const peer = await RawPeer.open(t, h.port);
    const s = await h.nextConnection();
    const sClosed = closed(s);
    peer.socket.write(encodeClose(undefined, '', { mask: true }));
    await peer.until(() => peer.frames.some((f) => f.opcode === Opcode.CLOSE), 'the echoed Close');
    assert.equal(peer.frames.find((f) => f.opcode === Opcode.CLOSE)!.payload.length, 0, '1005 is never sent on the wire');
    assert.deepEqual(await sClosed, [1005, '']);
  });

  test('closeAll() sends 1001 to everyone, resolves, and refuses new upgrades with 503', T, async (t) => {
    const h = await startServer(t);
    const clients = [await client(t, h.url), await client(t, h.url), await client(t, h.url)];
    const peer = await RawPeer.open(t, h.port);
    await peer.until(() => h.accepted.length === 4, 'four connections');
    const results = clients.map((c) => closed(c));
    const peerDone = peer.until(() => peer.frames.some((f) => f.opcode === Opcode.CLOSE), 'a Close frame');
    const all = h.wss.closeAll();
    await peerDone;
    const frame = peer.frames.find((f) => f.opcode === Opcode.CLOSE)!;
    assert.equal(frame.payload.readUInt16BE(0), 1001);
    peer.socket.write(encodeClose(1001, '', { mask: true }));
    for (const r of results) assert.deepEqual(await r, [1001, 'server shutting down']);
    await all;
    assert.equal(h.wss.connections.size, 0);
    await assert.rejects(connect(h.url), (e: unknown) => e instanceof HandshakeError && e.status === 503);
  });
});

describe('server limits and timers', () => {
  test('heartbeat drops a peer that never answers pings and keeps a live client', T, async (t) => {
    const h = await startServer(t, { heartbeatIntervalMs: 300 });
    const live = await client(t, h.url);
    const liveServerSide = await h.nextConnection();
    const peer = await RawPeer.open(t, h.port);
    const silent = await h.nextConnection();
    const silentClosed = closed(silent);
    let liveClosed = false;
    live.on('close', () => (liveClosed = true));

    // The silent peer reads the pings but never answers (§5.5.2 says it must).
    await peer.until(() => peer.closed || peer.ended, 'the server to drop the silent peer');
    assert.ok(peer.frames.some((f) => f.opcode === Opcode.PING), 'it was pinged before being dropped');
    assert.equal((await silentClosed)[0], 1006, 'dropped without a closing handshake');

    // Two more rounds: the live client keeps answering and stays connected.
    await once(liveServerSide, 'pong');
    await once(liveServerSide, 'pong');
    assert.equal(liveClosed, false);
    assert.equal(live.readyState, ReadyState.OPEN);
    const box = inbox(live);
    liveServerSide.send('still here');
    assert.deepEqual(await box.next(), ['still here', false]);
  });

  test('handshakeTimeoutMs drops a TCP client that sends nothing', T, async (t) => {
    const h = await startServer(t, { handshakeTimeoutMs: 200 });
    const peer = await RawPeer.open(t, h.port, { handshake: false });
    await peer.until(() => peer.closed, 'the server to drop the idle socket');
    assert.equal(peer.response, '');
  });

  test('handshakeTimeoutMs drops a client that dribbles its request slowly', T, async (t) => {
    const h = await startServer(t, { handshakeTimeoutMs: 200 });
    const peer = await RawPeer.open(t, h.port, { handshake: false });
    const request = Buffer.from(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${generateKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let sent = 0;
    // One byte every 25 ms (the whole request would take seconds); bounded by its length.
    while (sent < request.length && !peer.closed) {
      peer.socket.write(request.subarray(sent, sent + 1));
      sent++;
      await sleep(25);
    }
    await peer.until(() => peer.closed, 'the server to drop the slow socket');
    assert.ok(sent < request.length, `the request was cut off (${sent} of ${request.length} bytes sent)`);
    assert.equal(h.accepted.length, 0);
  });

  test('handshakeTimeoutMs does not affect a connection that completed its handshake', T, async (t) => {
    const h = await startServer(t, { handshakeTimeoutMs: 150 });
    const c = await client(t, h.url);
    const s = await h.nextConnection();
    await sleep(400); // well past the handshake timeout
    assert.equal(c.readyState, ReadyState.OPEN);
    const box = h.box(s);
    c.send('alive');
    assert.deepEqual(await box.next(), ['alive', false]);
  });

  test('maxConnections: the connection over the limit gets 503; a freed slot can be reused', T, async (t) => {
    const h = await startServer(t, { maxConnections: 2 });
    const rejected: number[] = [];
    h.wss.on('rejected', (status) => rejected.push(status));
    const a = await client(t, h.url);
    await client(t, h.url);
    await assert.rejects(connect(h.url), (e: unknown) => e instanceof HandshakeError && e.status === 503);
    assert.deepEqual(rejected, [503]);
    const sa = h.accepted[0]!;
    const gone = closed(sa);
    a.close();
    await gone;
    await client(t, h.url);
    assert.equal(h.wss.connections.size, 2);
  });

  test('maxConnectionsPerIp: 503 beyond the limit for one address, other addresses unaffected', T, async (t) => {
    const h = await startServer(t, { maxConnectionsPerIp: 2 });
    await client(t, h.url);
    await client(t, h.url);
    await assert.rejects(connect(h.url), (e: unknown) => e instanceof HandshakeError && e.status === 503);
    const raw = await RawPeer.open(t, h.port);
    assert.equal(raw.status, 503);
    // Another loopback address (Linux routes all of 127/8 to lo) still gets in.
    let other: RawPeer | undefined;
    try {
      other = await RawPeer.open(t, h.port, { localAddress: '127.0.0.2' });
    } catch (e) {
      t.diagnostic(`127.0.0.2 not usable here (${String(e)}); per-address distinction not checked`);
    }
    if (other) assert.equal(other.status, 101, 'a different address has its own count');
  });

  test('maxBufferedAmount drops a client that never reads; the other client still works', T, async (t) => {
    const h = await startServer(t, { maxBufferedAmount: 256 * 1024 });
    const good = await client(t, h.url);
    const goodServer = await h.nextConnection();
    const peer = await RawPeer.open(t, h.port);
    const slow = await h.nextConnection();
    peer.socket.pause(); // never reads again: the kernel buffers fill up
    const slowClosed = closed(slow);

    const chunk = Buffer.alloc(64 * 1024, 0x42);
    let rounds = 0;
    // One 64 KiB message per event-loop turn until the server gives up on it (bounded).
    while (rounds < 4000 && slow.readyState === ReadyState.OPEN) {
      if (!slow.send(chunk)) break;
      rounds++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(rounds < 4000, 'the slow consumer was dropped');
    assert.notEqual(slow.readyState, ReadyState.OPEN);
    assert.deepEqual(await slowClosed, [1013, 'slow consumer']);
    assert.ok(!h.wss.connections.has(slow));

    // The other client is unaffected, in both directions, with a large message too.
    const toGood = inbox(good);
    const toServer = h.box(goodServer);
    goodServer.send(chunk);
    goodServer.send('ok?');
    good.send('yes');
    assert.ok(((await toGood.next())[0] as Buffer).equals(chunk));
    assert.deepEqual(await toGood.next(), ['ok?', false]);
    assert.deepEqual(await toServer.next(), ['yes', false]);
    assert.equal(good.readyState, ReadyState.OPEN);
  });
});

describe('write batching', () => {
  test('frames sent within one turn leave in one socket write', T, async (t) => {
    // Our own 'upgrade' listener runs before the WebSocketServer's and wraps
    // the upgraded socket's write, counting the calls.
    const writes: Buffer[] = [];
    let serverSocket: Duplex | undefined;
    const h = await startServer(t, {}, (http) => {
      http.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
        serverSocket = socket;
        const original = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
        socket.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
          writes.push(Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.from(String(chunk), 'latin1'));
          return original(chunk, ...rest);
        }) as typeof socket.write;
      });
    });
    const messages = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? `message ${i}` : Buffer.from([i, i, i])));
    const c = await client(t, h.url);
    const s = await h.nextConnection();
    // Sent from a message handler, not from the 'connection' event, so the
    // frames cannot ride along with the 101 response (see the `head` test below).
    let round = 0;
    s.on('message', () => {
      round++;
      if (round === 1) {
        for (const m of messages) s.send(m);
      } else {
        s.send('a');
        s.send('b');
        s.ping('c');
      }
    });
    const box = inbox(c);
    c.send('go');
    for (let i = 0; i < messages.length; i++) await box.next();
    assert.ok(serverSocket);
    assert.equal(writes.length, 2, 'the 101 response, then one write for all ten frames');
    assert.ok(writes[0]!.toString('latin1').startsWith('HTTP/1.1 101'));
    assert.ok(writes[1]!.equals(Buffer.concat(messages.map((m) => encodeMessage(m)))), 'the ten frames, in order');

    // A later turn: two messages and a ping → exactly one more write.
    c.send('again');
    assert.deepEqual(await box.next(), ['a', false]);
    assert.deepEqual(await box.next(), ['b', false]);
    assert.equal(writes.length, 3);
    assert.ok(writes[2]!.equals(Buffer.concat([encodeMessage('a'), encodeMessage('b'), encodeFrame(Opcode.PING, 'c')])));
  });

  test('ten sends in one synchronous loop arrive at a raw TCP client in order and unfragmented', T, async (t) => {
    const h = await startServer(t);
    const peer = await RawPeer.open(t, h.port);
    const s = await h.nextConnection();
    for (let i = 0; i < 10; i++) s.send(`n${i}`);
    await peer.until(() => peer.frames.length >= 10, 'ten frames');
    assert.deepEqual(
      peer.frames.map((f) => [f.fin, f.opcode, f.masked, f.payload.toString()]),
      Array.from({ length: 10 }, (_, i) => [true, Opcode.TEXT, false, `n${i}`]),
    );
  });
});

describe('handshake over the wire', () => {
  test('a refused upgrade gets the HTTP error and the socket is closed', T, async (t) => {
    const h = await startServer(t, { paths: ['/chat'] });
    const peer = await RawPeer.open(t, h.port, { path: '/elsewhere' });
    assert.equal(peer.status, 404);
    await peer.until(() => peer.ended || peer.closed, 'the server to close');
    const ok = await RawPeer.open(t, h.port, { path: '/chat?x=1' });
    assert.equal(ok.status, 101);
  });

  test('connect() rejects with HandshakeError carrying the status', T, async (t) => {
    const h = await startServer(t, { allowOrigin: () => false });
    await assert.rejects(connect(h.url), (e: unknown) => e instanceof HandshakeError && e.status === 403);
    await assert.rejects(connect('ftp://127.0.0.1/'), HandshakeError);
  });

  test('messages the server sends in its connection handler reach the caller of connect()', T, async (t) => {
    // The server's first frames may arrive in the same TCP read as the 101
    // response, i.e. in the 'upgrade' event's `head`. They must still be
    // delivered to listeners attached right after `await connect()`.
    const h = await startServer(t);
    h.wss.on('connection', (s) => {
      s.send('welcome');
      s.send(Uint8Array.of(7));
    });
    const c = await client(t, h.url);
    const box = inbox(c);
    const first = await Promise.race([box.next(), sleep(2000).then(() => undefined)]);
    assert.deepEqual(first, ['welcome', false], 'the greeting was lost (emitted before a listener could be attached)');
    const second = await box.next();
    assert.deepEqual([...(second[0] as Buffer)], [7]);
  });

  test('frames the client sends right behind its request (in `head`) are not lost', T, async (t) => {
    const h = await startServer(t);
    const socket = net.connect({ port: h.port, host: '127.0.0.1' });
    t.after(() => socket.destroy());
    socket.on('error', () => {});
    await once(socket, 'connect');
    const key = generateKey();
    socket.write(
      Buffer.concat([
        Buffer.from(
          `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
        encodeMessage('early bird', { mask: true }),
      ]),
    );
    const s = await h.nextConnection();
    const box = h.box(s);
    assert.deepEqual(await box.next(), ['early bird', false]);
  });
});

describe('connect() checks the server handshake (RFC 6455 §4.1)', () => {
  /** A raw TCP "server" that answers the upgrade request with `answer(key)`. */
  async function fakeServer(t: TestContext, answer: (key: string) => string): Promise<string> {
    const srv = net.createServer((s) => {
      let buf = '';
      s.on('error', () => {});
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        if (!buf.includes('\r\n\r\n')) return;
        const key = /\r\nsec-websocket-key: *(\S+)/i.exec(buf)?.[1] ?? '';
        s.write(answer(key));
        buf = '';
      });
    });
    const sockets = new Set<net.Socket>();
    srv.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
    t.after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    });
    return `ws://127.0.0.1:${(srv.address() as net.AddressInfo).port}/`;
  }
  const ok = (key: string, extra = ''): string =>
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n${extra}\r\n`;

  test('a correct 101 is accepted (Upgrade compared case-insensitively)', T, async (t) => {
    const url = await fakeServer(t, (k) => ok(k).replace('Upgrade: websocket', 'Upgrade: WebSocket'));
    const c = await connect(url, { handshakeTimeoutMs: 5000 });
    c.terminate();
  });

  test('a wrong Sec-WebSocket-Accept is refused (§4.1 item 4 of the response checks)', T, async (t) => {
    const url = await fakeServer(t, (k) => ok(k).replace(acceptKey(k), acceptKey('x' + k)));
    await assert.rejects(connect(url), HandshakeError);
  });

  test('a subprotocol the client did not offer is refused (§4.1 item 6)', T, async (t) => {
    const url = await fakeServer(t, (k) => ok(k, 'Sec-WebSocket-Protocol: other\r\n'));
    await assert.rejects(connect(url, { protocols: ['mine'] }), HandshakeError);
    const url2 = await fakeServer(t, (k) => ok(k, 'Sec-WebSocket-Protocol: mine\r\n'));
    const c = await connect(url2, { protocols: ['theirs', 'mine'] });
    assert.equal(c.protocol, 'mine');
    c.terminate();
  });

  test('a 101 without Connection: Upgrade is refused (§4.1 item 3)', T, async (t) => {
    const url = await fakeServer(t, (k) => ok(k).replace('Connection: Upgrade\r\n', ''));
    await assert.rejects(connect(url), HandshakeError);
  });

  test('an extension the client did not offer is refused (§4.1 item 5)', T, async (t) => {
    // The client offers no extensions, so any Sec-WebSocket-Extensions in the
    // answer "MUST _Fail the WebSocket Connection_".
    const url = await fakeServer(t, (k) => ok(k, 'Sec-WebSocket-Extensions: permessage-deflate\r\n'));
    let accepted: WebSocketConnection | undefined;
    try {
      accepted = await connect(url);
    } catch (e) {
      assert.ok(e instanceof HandshakeError);
    }
    accepted?.terminate();
    assert.equal(accepted, undefined, 'connect() accepted a handshake with an extension it never offered');
  });

  test('the handshake timeout rejects when the server never answers', T, async (t) => {
    const url = await fakeServer(t, () => '');
    await assert.rejects(connect(url, { handshakeTimeoutMs: 200 }), HandshakeError);
  });
});

describe('close timeout', () => {
  test('a peer that never answers our Close is dropped after closeTimeoutMs (§7.1.1)', T, async (t) => {
    const h = await startServer(t, { closeTimeoutMs: 200 });
    const peer = await RawPeer.open(t, h.port);
    const s = await h.nextConnection();
    const sClosed = closed(s);
    s.close(1000, 'bye');
    await peer.until(() => peer.frames.some((f) => f.opcode === Opcode.CLOSE), 'the Close frame');
    // The peer neither answers nor closes: the server gives up on its own.
    await peer.until(() => peer.ended || peer.closed, 'the server to drop the TCP connection');
    // No Close frame came back: the event reports the code we sent.
    assert.deepEqual(await sClosed, [1000, 'bye']);
  });
});
