// permessage-deflate (RFC 7692) against independent implementations, over
// real sockets on 127.0.0.1: the `ws` client and server (with and without
// context takeover, with window limits), python websockets (compression on
// by default; skipped with a message when /usr/bin/python3 cannot import
// it) and Node's built-in WebSocket client.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer as WsServer, type RawData } from 'ws';
import { connect, type ConnectOptions } from '../../lib/websocket/client.ts';
import type { WebSocketConnection } from '../../lib/websocket/connection.ts';
import { prepareMessage } from '../../lib/websocket/prepared.ts';
import { WebSocketServer, type WebSocketServerOptions } from '../../lib/websocket/server.ts';

const T = { timeout: 20_000 };

/** Payloads of many sizes and kinds: tiny, around the length forms, repetitive, incompressible, multi-byte. */
function payloads(): Array<string | Buffer> {
  const noise = Buffer.alloc(70_000);
  let x = 12345;
  for (let i = 0; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return [
    '',
    'a',
    'x'.repeat(125),
    'y'.repeat(126),
    '{"type":"message","text":"hello"}'.repeat(2000),
    'é€😀'.repeat(5000),
    noise,
    Buffer.alloc(300_000, 7),
    noise.subarray(0, 65_536),
  ];
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Our server, echoing every message; closed after the test. */
async function ourServer(t: TestContext, options: WebSocketServerOptions): Promise<{ url: string; wss: WebSocketServer }> {
  const http = createServer((_req, res) => res.writeHead(426).end());
  const sockets = new Set<Socket>();
  http.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ closeTimeoutMs: 2000, ...options }).attach(http);
  wss.on('connection', (conn) => {
    conn.on('error', () => {});
    conn.on('message', (data) => conn.send(data));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  t.after(async () => {
    for (const c of wss.connections) c.terminate();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, wss };
}

/** Sends each payload from a ws client and checks the echo; returns the negotiated header. */
async function roundTripsFromWs(t: TestContext, url: string, perMessageDeflate: WebSocket.PerMessageDeflateOptions | boolean): Promise<string> {
  const ws = new WebSocket(url, { perMessageDeflate });
  t.after(() => ws.terminate());
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  for (const p of payloads()) {
    const echoed = new Promise<[Buffer, boolean]>((resolve) => ws.once('message', (d: RawData, isBinary: boolean) => resolve([toBuffer(d), isBinary])));
    ws.send(p, { binary: typeof p !== 'string' });
    const [data, isBinary] = await echoed;
    assert.equal(isBinary, typeof p !== 'string');
    assert.ok(data.equals(Buffer.from(p)), `echo of a ${Buffer.byteLength(p)}-byte payload`);
  }
  return ws.extensions;
}

describe('the ws client against our server with perMessageDeflate', () => {
  test('ws defaults (it offers client_max_window_bits): every payload round-trips compressed', T, async (t) => {
    const srv = await ourServer(t, { perMessageDeflate: { threshold: 0 } });
    const connected = new Promise<WebSocketConnection>((resolve) => srv.wss.once('connection', resolve));
    // ws reports only the names of the extensions in use.
    assert.equal(await roundTripsFromWs(t, srv.url, true), 'permessage-deflate');
    assert.equal((await connected).extensions, 'permessage-deflate; server_no_context_takeover; client_no_context_takeover');
  });
  test('ws asking for small windows on both sides', T, async (t) => {
    const srv = await ourServer(t, { perMessageDeflate: { threshold: 0 } });
    const connected = new Promise<WebSocketConnection>((resolve) => srv.wss.once('connection', resolve));
    const options = { serverMaxWindowBits: 9, clientMaxWindowBits: 9, threshold: 0 };
    assert.equal(await roundTripsFromWs(t, srv.url, options), 'permessage-deflate');
    const agreed = (await connected).extensions;
    assert.equal(agreed, 'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9');
  });
  test('perMessageDeflate off (the default): ws is declined and plain frames work', T, async (t) => {
    const srv = await ourServer(t, {});
    assert.equal(await roundTripsFromWs(t, srv.url, true), '');
  });
  test('a prepared broadcast reaches a deflate ws client and a plain one', T, async (t) => {
    const srv = await ourServer(t, { perMessageDeflate: { threshold: 100 } });
    const clients = [new WebSocket(srv.url, { perMessageDeflate: true }), new WebSocket(srv.url, { perMessageDeflate: false })];
    const got = clients.map((ws) => {
      t.after(() => ws.terminate());
      return new Promise<string>((resolve) => ws.once('message', (d: RawData) => resolve(toBuffer(d).toString())));
    });
    await Promise.all(clients.map((ws) => new Promise((resolve) => ws.once('open', resolve))));
    while (srv.wss.connections.size < 2) await new Promise((resolve) => srv.wss.once('connection', resolve));
    const text = JSON.stringify({ history: Array.from({ length: 200 }, (_, i) => ({ id: i, text: `message ${i}` })) });
    const prepared = prepareMessage(text);
    const kinds = [...srv.wss.connections].map((c) => [c.sendPrepared(prepared), c.extensions !== '']);
    assert.deepEqual(kinds.map((k) => k[0]), [true, true]);
    assert.deepEqual(kinds.map((k) => k[1]).sort(), [false, true]);
    assert.deepEqual(await Promise.all(got), [text, text]);
  });
});

// ------------------------------------------------------------ our client → ws server

async function wsServer(t: TestContext, perMessageDeflate: WebSocket.PerMessageDeflateOptions | boolean): Promise<string> {
  const server = new WsServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data: RawData, isBinary: boolean) => ws.send(toBuffer(data), { binary: isBinary }));
  });
  t.after(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Our client sends each payload (twice, so a retained window is used) and checks the echoes. */
async function roundTripsFromUs(t: TestContext, url: string, options: ConnectOptions): Promise<WebSocketConnection> {
  const c = await connect(url, options);
  t.after(() => c.terminate());
  c.on('error', () => {});
  for (const p of [...payloads(), ...payloads()]) {
    const echoed = new Promise<[string | Buffer, boolean]>((resolve) => c.once('message', (d, isBinary) => resolve([d, isBinary])));
    assert.equal(c.send(p), true);
    const [data, isBinary] = await echoed;
    assert.equal(isBinary, typeof p !== 'string');
    assert.ok(Buffer.from(data).equals(Buffer.from(p)), `echo of a ${Buffer.byteLength(p)}-byte payload`);
  }
  return c;
}

describe('our connect() client against a ws server with perMessageDeflate', () => {
  test('ws with context takeover (its default): our client keeps the server window', T, async (t) => {
    const url = await wsServer(t, { threshold: 0 });
    const c = await roundTripsFromUs(t, url, { perMessageDeflate: { threshold: 0 } });
    assert.equal(c.deflate?.peerContextTakeover, true);
    assert.match(c.extensions, /^permessage-deflate/);
  });
  test('ws without context takeover and with a 10-bit window', T, async (t) => {
    const url = await wsServer(t, { threshold: 0, serverNoContextTakeover: true, serverMaxWindowBits: 10 });
    const c = await roundTripsFromUs(t, url, { perMessageDeflate: { threshold: 0 } });
    assert.equal(c.deflate?.peerContextTakeover, false);
    assert.equal(c.deflate?.peerWindowBits, 10);
  });
  test('our client asking for server_no_context_takeover and server_max_window_bits=9', T, async (t) => {
    const url = await wsServer(t, { threshold: 0 });
    const c = await roundTripsFromUs(t, url, { perMessageDeflate: { threshold: 0, serverNoContextTakeover: true, serverMaxWindowBits: 9 } });
    assert.equal(c.deflate?.peerContextTakeover, false);
    assert.equal(c.deflate?.peerWindowBits, 9);
  });
});

// ------------------------------------------------------------ python websockets

const python = spawnSync('/usr/bin/python3', ['-c', 'import websockets'], { stdio: 'ignore' });
const pythonSkip = python.status === 0 ? false : 'python websockets is not importable by /usr/bin/python3 (apt install python3-websockets)';

const PY_SERVER = `
import asyncio, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=2**24) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

const PY_CLIENT = `
import asyncio, json, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1], max_size=2**24) as ws:
        ok = []
        for m in ["", "hello", "é€" * 5000, bytes(range(256)) * 300, "x" * 200000, '{"a":1}' * 3000]:
            await ws.send(m)
            ok.append((await ws.recv()) == m)
        print(json.dumps({"extensions": ws.response_headers.get("Sec-WebSocket-Extensions"), "ok": ok}))
asyncio.run(main())
`;

describe('python websockets (compression on by default)', { skip: pythonSkip }, () => {
  test('python client against our server', T, async (t) => {
    const srv = await ourServer(t, { perMessageDeflate: { threshold: 0 } });
    const child = spawn('/usr/bin/python3', ['-c', PY_CLIENT, srv.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, err);
    assert.deepEqual(JSON.parse(out), {
      extensions: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
      ok: [true, true, true, true, true, true],
    });
  });
  test('our client against a python server (which keeps its context)', T, async (t) => {
    const child = spawn('/usr/bin/python3', ['-c', PY_SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`python server exited with ${code}`)));
    });
    const c = await roundTripsFromUs(t, `ws://127.0.0.1:${port}/`, { perMessageDeflate: true });
    assert.equal(c.deflate?.peerContextTakeover, true);
  });
});

// ------------------------------------------------------------ Node's WebSocket

describe("Node's built-in WebSocket client", () => {
  test('negotiates permessage-deflate with our server and round-trips compressed text and binary', T, async (t) => {
    const srv = await ourServer(t, { perMessageDeflate: { threshold: 0 } });
    const script = `
      const finish = (r) => { console.log(JSON.stringify(r)); process.exit(0); };
      setTimeout(() => finish({ timeout: true }), 15000);
      if (typeof WebSocket !== 'function') finish({ unavailable: true });
      const ws = new WebSocket(process.env.WS_URL);
      ws.binaryType = 'arraybuffer';
      const sent = ['hi', 'é'.repeat(40000), '{"k":1}'.repeat(10000)];
      const ok = [];
      ws.onopen = () => { for (const m of sent) ws.send(m); ws.send(new Uint8Array(50000).fill(3)); };
      ws.onmessage = (e) => {
        ok.push(typeof e.data === 'string' ? e.data === sent[ok.length] : new Uint8Array(e.data).every((b) => b === 3) && e.data.byteLength === 50000);
        if (ok.length === 4) finish({ extensions: ws.extensions, ok });
      };
      ws.onclose = (e) => finish({ closed: e.code, ok });
    `;
    const flags = process.allowedNodeEnvironmentFlags.has('--experimental-websocket') ? ['--experimental-websocket'] : [];
    const child = spawn(process.execPath, [...flags, '-e', script], {
      env: { ...process.env, WS_URL: srv.url, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    await new Promise((resolve) => child.once('exit', resolve));
    const result = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
    if (result['unavailable']) return t.skip('no WebSocket global in this Node');
    assert.deepEqual(result, {
      extensions: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
      ok: [true, true, true, true],
    });
  });
});
