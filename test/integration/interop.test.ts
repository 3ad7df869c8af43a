// Interoperability with independent RFC 6455 implementations, over real
// sockets on 127.0.0.1: the `ws` npm client and Node's own WebSocket client
// (undici) against our server, and our connect() client against a `ws` server.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket, { WebSocketServer as WsServer } from 'ws';
import type { RawData } from 'ws';
import { connect } from '../../lib/websocket/client.ts';
import { ReadyState, type WebSocketConnection } from '../../lib/websocket/connection.ts';
import { Opcode, encodeFrame } from '../../lib/websocket/encoder.ts';
import { WebSocketServer, type WebSocketServerOptions } from '../../lib/websocket/server.ts';

const T = { timeout: 10_000 };

// ---------------------------------------------------------------- helpers

type Msg = [string | Buffer, boolean];

/** Queue of items pushed by an event source, taken in order. */
class Queue<V> {
  private readonly items: V[] = [];
  private readonly waiters: ((v: V) => void)[] = [];
  push(v: V): void {
    const w = this.waiters.shift();
    if (w) w(v);
    else this.items.push(v);
  }
  next(): Promise<V> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

interface OurServer {
  url: string;
  wss: WebSocketServer;
  /** Server-side connections as they are accepted, each with its message queue. */
  connections: Queue<{ conn: WebSocketConnection; messages: Queue<Msg> }>;
}

/** Our WebSocketServer on a node:http server, 127.0.0.1:0, closed after the test. */
async function ourServer(t: TestContext, options: WebSocketServerOptions = {}, echo = true): Promise<OurServer> {
  const http = createServer((_req, res) => res.writeHead(426).end());
  const sockets = new Set<Socket>();
  http.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ closeTimeoutMs: 2000, ...options }).attach(http);
  const connections = new Queue<{ conn: WebSocketConnection; messages: Queue<Msg> }>();
  wss.on('connection', (conn) => {
    const messages = new Queue<Msg>();
    conn.on('error', () => {});
    conn.on('message', (data, isBinary) => {
      messages.push([data, isBinary]);
      if (echo) conn.send(data);
    });
    connections.push({ conn, messages });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  t.after(async () => {
    for (const c of wss.connections) c.terminate();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, wss, connections };
}

/** A `ws` client with queues for messages and the close event; terminated after the test. */
async function wsClient(
  t: TestContext,
  url: string,
): Promise<{ ws: WebSocket; messages: Queue<[Buffer, boolean]>; closed: Promise<[number, string]> }> {
  const ws = new WebSocket(url);
  t.after(() => ws.terminate());
  const messages = new Queue<[Buffer, boolean]>();
  ws.on('message', (data: RawData, isBinary: boolean) => messages.push([toBuffer(data), isBinary]));
  ws.on('error', () => {});
  const closed = new Promise<[number, string]>((resolve) =>
    ws.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString('utf8')])),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function closedOf(c: WebSocketConnection): Promise<[number, string]> {
  return new Promise((resolve) => c.once('close', (code, reason) => resolve([code, reason])));
}

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

// ---------------------------------------------------------------- ws client → our server

describe('the ws client against our server', () => {
  test('text, including multi-byte characters, both ways', T, async (t) => {
    const srv = await ourServer(t);
    const { ws, messages } = await wsClient(t, srv.url);
    const { messages: atServer } = await srv.connections.next();
    ws.send('héllo wörld € 𝄞');
    assert.deepEqual(await atServer.next(), ['héllo wörld € 𝄞', false]);
    const [echo, isBinary] = await messages.next();
    assert.equal(isBinary, false);
    assert.equal(echo.toString('utf8'), 'héllo wörld € 𝄞');
  });

  test('binary, small and 1 MiB, both ways', T, async (t) => {
    const srv = await ourServer(t);
    const { ws, messages } = await wsClient(t, srv.url);
    const { messages: atServer } = await srv.connections.next();
    const big = pattern(1 << 20);
    ws.send(Buffer.from([0, 255, 1, 254]));
    ws.send(big);
    const small = await atServer.next();
    assert.equal(small[1], true);
    assert.deepEqual([...(small[0] as Buffer)], [0, 255, 1, 254]);
    const large = await atServer.next();
    assert.ok((large[0] as Buffer).equals(big), '1 MiB arrived intact at our server');
    assert.deepEqual(await messages.next(), [Buffer.from([0, 255, 1, 254]), true]);
    const back = await messages.next();
    assert.equal(back[1], true);
    assert.ok(back[0].equals(big), '1 MiB arrived intact at the ws client');
  });

  test('fragmented messages from ws (send with fin:false) are reassembled (§5.4)', T, async (t) => {
    const srv = await ourServer(t);
    const { ws } = await wsClient(t, srv.url);
    const { messages: atServer } = await srv.connections.next();
    // ws sends the first fragment with the data opcode and the rest as continuations.
    ws.send('frag', { fin: false });
    ws.send('men', { fin: false });
    ws.send('ted ✓', { fin: true });
    assert.deepEqual(await atServer.next(), ['fragmented ✓', false]);
    ws.send(Buffer.from([1, 2]), { fin: false, binary: true });
    ws.ping('in between');
    ws.send(Buffer.from([3]), { fin: true, binary: true });
    const bin = await atServer.next();
    assert.equal(bin[1], true);
    assert.deepEqual([...(bin[0] as Buffer)], [1, 2, 3]);
    // A multi-byte character split across two fragments.
    const euro = Buffer.from('€');
    ws.send(euro.subarray(0, 1), { fin: false, binary: false });
    ws.send(euro.subarray(1), { fin: true, binary: false });
    assert.deepEqual(await atServer.next(), ['€', false]);
  });

  test('fragmented messages from our server are reassembled by ws', T, async (t) => {
    const srv = await ourServer(t, {}, false);
    const { messages } = await wsClient(t, srv.url);
    const { conn } = await srv.connections.next();
    conn.sendPrepared(encodeFrame(Opcode.TEXT, 'one ', { fin: false }));
    conn.ping('ping in between');
    conn.sendPrepared(encodeFrame(Opcode.CONTINUATION, 'two ', { fin: false }));
    conn.sendPrepared(encodeFrame(Opcode.CONTINUATION, 'three'));
    const [data, isBinary] = await messages.next();
    assert.equal(isBinary, false);
    assert.equal(data.toString(), 'one two three');
  });

  test('a greeting sent in our connection handler reaches ws', T, async (t) => {
    const srv = await ourServer(t, {}, false);
    srv.wss.once('connection', (c) => c.send('welcome'));
    const { messages } = await wsClient(t, srv.url);
    assert.equal((await messages.next())[0].toString(), 'welcome');
  });

  test('ping and pong both ways', T, async (t) => {
    const srv = await ourServer(t);
    const { ws } = await wsClient(t, srv.url);
    const { conn } = await srv.connections.next();
    const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    const serverSawPing = new Promise<Buffer>((resolve) => conn.once('ping', resolve));
    ws.ping('from ws');
    assert.equal((await pong).toString(), 'from ws', 'our server answered with the same payload (§5.5.3)');
    assert.equal((await serverSawPing).toString(), 'from ws');
    const wsSawPing = new Promise<Buffer>((resolve) => ws.once('ping', resolve));
    const serverGotPong = new Promise<Buffer>((resolve) => conn.once('pong', resolve));
    conn.ping('from us');
    assert.equal((await wsSawPing).toString(), 'from us');
    assert.equal((await serverGotPong).toString(), 'from us');
  });

  test('close initiated by ws: code and reason reach us, ws sees the echoed code', T, async (t) => {
    const srv = await ourServer(t);
    const { ws, closed } = await wsClient(t, srv.url);
    const { conn } = await srv.connections.next();
    const atServer = closedOf(conn);
    ws.close(4321, 'ws says bye');
    assert.deepEqual(await atServer, [4321, 'ws says bye']);
    assert.equal((await closed)[0], 4321);
  });

  test('close initiated by our server: ws sees code and reason', T, async (t) => {
    const srv = await ourServer(t);
    const { closed } = await wsClient(t, srv.url);
    const { conn } = await srv.connections.next();
    const atServer = closedOf(conn);
    conn.close(1001, 'maintenance');
    assert.deepEqual(await closed, [1001, 'maintenance']);
    assert.equal((await atServer)[0], 1001);
  });

  test('ws close codes 1000, 1003, 1008, 1011, 3000, 4999 and no code', T, async (t) => {
    const srv = await ourServer(t);
    for (const code of [1000, 1003, 1008, 1011, 3000, 4999]) {
      const { ws, closed } = await wsClient(t, srv.url);
      const { conn } = await srv.connections.next();
      const atServer = closedOf(conn);
      ws.close(code, `code ${code}`);
      assert.deepEqual(await atServer, [code, `code ${code}`]);
      assert.equal((await closed)[0], code);
    }
    const { ws, closed } = await wsClient(t, srv.url);
    const { conn } = await srv.connections.next();
    const atServer = closedOf(conn);
    ws.close();
    assert.deepEqual(await atServer, [1005, ''], 'an empty Close is reported as 1005 (§7.1.5)');
    assert.equal((await closed)[0], 1005);
  });

  test('a message over maxMessageSize from ws → Close 1009', T, async (t) => {
    const srv = await ourServer(t, { maxMessageSize: 1000 });
    const { ws, closed } = await wsClient(t, srv.url);
    ws.send(Buffer.alloc(1001));
    assert.equal((await closed)[0], 1009);
  });

  test('invalid UTF-8 in a text frame from ws → Close 1007 (§8.1)', T, async (t) => {
    const srv = await ourServer(t);
    const { ws, closed } = await wsClient(t, srv.url);
    // ws sends these bytes as a text frame without checking them.
    ws.send(Buffer.from([0x61, 0xed, 0xa0, 0x80]), { binary: false });
    assert.equal((await closed)[0], 1007);
  });

  test('ws offers permessage-deflate by default; our server declines and plain frames work', T, async (t) => {
    const srv = await ourServer(t);
    const { ws, messages } = await wsClient(t, srv.url);
    assert.equal(ws.extensions, '', 'no extension negotiated');
    ws.send('x'.repeat(5000));
    assert.equal((await messages.next())[0].toString(), 'x'.repeat(5000));
  });
});

// ---------------------------------------------------------------- Node's WebSocket → our server

describe("Node's built-in WebSocket client against our server", () => {
  test('connects, sends text and binary, receives the echoes and a greeting, closes with a code', T, async (t) => {
    const srv = await ourServer(t);
    srv.wss.once('connection', (c) => c.send('welcome'));
    const script = `
      const out = [];
      const finish = (result) => { console.log(JSON.stringify(result)); process.exit(0); };
      setTimeout(() => finish({ timeout: true, out }), 8000);
      if (typeof WebSocket !== 'function') finish({ unavailable: true });
      const ws = new WebSocket(process.env.WS_URL);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        ws.send('hello from node');
        ws.send(new Uint8Array([1, 2, 3, 250]));
        ws.send('é'.repeat(40000));
      };
      ws.onmessage = (e) => {
        out.push(typeof e.data === 'string'
          ? ['text', e.data.length > 100 ? 'long:' + e.data.length + ':' + (e.data === 'é'.repeat(40000)) : e.data]
          : ['binary', Array.from(new Uint8Array(e.data))]);
        if (out.length === 4) ws.close(4002, 'node done');
      };
      ws.onerror = (e) => out.push(['error', String(e && e.message)]);
      ws.onclose = (e) => finish({ out, code: e.code, reason: e.reason, wasClean: e.wasClean });
    `;
    // Node 20 needs the flag; where it is no longer known, it is left out.
    const flags = process.allowedNodeEnvironmentFlags.has('--experimental-websocket') ? ['--experimental-websocket'] : [];
    const child = spawn(process.execPath, [...flags, '-e', script], {
      env: { ...process.env, WS_URL: srv.url, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const { conn } = await srv.connections.next();
    const atServer = closedOf(conn);
    const exit = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    assert.equal(exit, 0, `child exited with ${exit}: ${stderr}`);
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    if (result['unavailable']) {
      t.skip('no WebSocket global in this Node');
      return;
    }
    assert.deepEqual(result, {
      out: [
        ['text', 'welcome'],
        ['text', 'hello from node'],
        ['binary', [1, 2, 3, 250]],
        ['text', 'long:40000:true'],
      ],
      code: 4002,
      reason: '',
      wasClean: true,
    });
    assert.deepEqual(await atServer, [4002, 'node done']);
  });
});

// ---------------------------------------------------------------- our client → ws server

interface WsSide {
  url: string;
  server: WsServer;
  /** Raw bytes the ws server received from each client, as they came off the socket. */
  rawFromClient: Buffer[];
  clients: Queue<WebSocket>;
  messages: Queue<[Buffer, boolean]>;
}

async function wsServer(t: TestContext, echo = true): Promise<WsSide> {
  const server = new WsServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const rawFromClient: Buffer[] = [];
  const clients = new Queue<WebSocket>();
  const messages = new Queue<[Buffer, boolean]>();
  server.on('connection', (ws, req) => {
    // A second 'data' listener sees the same bytes ws parses (it does not change
    // the flow). It must run first: ws unmasks the chunk in place.
    req.socket.prependListener('data', (d: Buffer) => rawFromClient.push(Buffer.from(d)));
    ws.on('error', () => {});
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const b = toBuffer(data);
      messages.push([b, isBinary]);
      if (echo) ws.send(b, { binary: isBinary });
    });
    clients.push(ws);
  });
  t.after(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, rawFromClient, clients, messages };
}

async function ourClient(t: TestContext, url: string): Promise<{ c: WebSocketConnection; messages: Queue<Msg> }> {
  const c = await connect(url);
  t.after(() => c.terminate());
  c.on('error', () => {});
  const messages = new Queue<Msg>();
  c.on('message', (data, isBinary) => messages.push([data, isBinary]));
  return { c, messages };
}

describe('our connect() client against a ws server', () => {
  test('text and binary (incl. 1 MiB) both ways; our frames are masked (§5.1)', T, async (t) => {
    const side = await wsServer(t);
    const { c, messages } = await ourClient(t, side.url);
    await side.clients.next();
    const big = pattern(1 << 20);
    c.send('hello ws ✓');
    c.send(Uint8Array.of(9, 8, 7));
    c.send(big);
    assert.deepEqual(await side.messages.next(), [Buffer.from('hello ws ✓'), false]);
    assert.deepEqual(await side.messages.next(), [Buffer.from([9, 8, 7]), true]);
    assert.ok((await side.messages.next())[0].equals(big));
    assert.deepEqual(await messages.next(), ['hello ws ✓', false]);
    const b = await messages.next();
    assert.equal(b[1], true);
    assert.deepEqual([...(b[0] as Buffer)], [9, 8, 7]);
    assert.ok(((await messages.next())[0] as Buffer).equals(big));
    // ws would have failed the connection with 1002 on an unmasked frame; the bytes say so too.
    const raw = Buffer.concat(side.rawFromClient);
    assert.equal(raw[0], 0x81, 'FIN + text');
    assert.equal(raw[1]! & 0x80, 0x80, 'MASK bit set on the client frame');
    const payload = Buffer.from('hello ws ✓');
    assert.equal(raw[1]! & 0x7f, payload.length);
    const key = raw.subarray(2, 6);
    const onWire = raw.subarray(6, 6 + payload.length);
    const unmasked = Buffer.from(onWire.map((x, i) => x ^ key[i & 3]!));
    assert.ok(unmasked.equals(payload), 'the wire bytes XOR the key are the payload (§5.3)');
    assert.ok(!onWire.equals(payload) || key.equals(Buffer.alloc(4)), 'the payload is not sent in the clear');
    assert.equal(c.readyState, ReadyState.OPEN);
  });

  test('fragmented messages from ws reach our client whole', T, async (t) => {
    const side = await wsServer(t, false);
    const { messages } = await ourClient(t, side.url);
    const ws = await side.clients.next();
    ws.send('par', { fin: false });
    ws.ping('mid');
    ws.send('ts', { fin: true });
    assert.deepEqual(await messages.next(), ['parts', false]);
  });

  test('a greeting ws sends in its connection handler reaches our client', T, async (t) => {
    // ws writes the 101 response and the first frame back to back, so they
    // usually arrive together (the frame in the 'upgrade' event's head).
    const server = new WsServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (ws) => ws.send('welcome'));
    t.after(async () => {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { messages } = await ourClient(t, `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const first = await Promise.race([messages.next(), sleep(2000).then(() => undefined)]);
    assert.deepEqual(first, ['welcome', false], 'the greeting was lost');
  });

  test('ping/pong with ws both ways', T, async (t) => {
    const side = await wsServer(t);
    const { c } = await ourClient(t, side.url);
    const ws = await side.clients.next();
    const pong = new Promise<Buffer>((resolve) => c.once('pong', resolve));
    c.ping('ours');
    assert.equal((await pong).toString(), 'ours');
    const wsPong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    ws.ping('theirs');
    assert.equal((await wsPong).toString(), 'theirs', 'our client answered the ping (masked, or ws would fail)');
  });

  test('close initiated by our client: ws sees code and reason', T, async (t) => {
    const side = await wsServer(t);
    const { c } = await ourClient(t, side.url);
    const ws = await side.clients.next();
    const atWs = new Promise<[number, string]>((resolve) => ws.once('close', (code: number, r: Buffer) => resolve([code, r.toString()])));
    const ours = closedOf(c);
    c.close(4003, 'ours, bye');
    assert.deepEqual(await atWs, [4003, 'ours, bye']);
    assert.equal((await ours)[0], 4003);
  });

  test('close initiated by ws: our client sees code and reason', T, async (t) => {
    const side = await wsServer(t);
    const { c } = await ourClient(t, side.url);
    const ws = await side.clients.next();
    const atWs = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    const ours = closedOf(c);
    ws.close(4004, 'theirs, bye');
    assert.deepEqual(await ours, [4004, 'theirs, bye']);
    assert.equal(await atWs, 4004);
  });

  test('ws rejects a frame over its maxPayload with 1009 and our client reports it', T, async (t) => {
    const server = new WsServer({ host: '127.0.0.1', port: 0, maxPayload: 100 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (ws) => ws.on('error', () => {}));
    t.after(async () => {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { c } = await ourClient(t, `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const ours = closedOf(c);
    c.send(Buffer.alloc(101));
    assert.equal((await ours)[0], 1009);
  });
});
