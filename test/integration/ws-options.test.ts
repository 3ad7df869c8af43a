// Library options over real sockets on 127.0.0.1: the slow-consumer rule
// (only bytes already buffered count), clientAddress and the per-address cap
// by /64, send()/sendPrepared() return values, forced compression.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { HandshakeError, connect } from '../../lib/websocket/client.ts';
import { ReadyState, type WebSocketConnection } from '../../lib/websocket/connection.ts';
import { encodeMessage } from '../../lib/websocket/encoder.ts';
import { prepareMessage } from '../../lib/websocket/prepared.ts';
import { WebSocketServer, type WebSocketServerOptions } from '../../lib/websocket/server.ts';

const T = { timeout: 15_000 };

async function startServer(t: TestContext, options: WebSocketServerOptions) {
  const http = createServer((_req, res) => res.writeHead(426).end());
  const sockets = new Set<net.Socket>();
  http.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ closeTimeoutMs: 2000, ...options }).attach(http);
  wss.on('connection', (c) => c.on('error', () => {}));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const port = (http.address() as AddressInfo).port;
  t.after(async () => {
    for (const c of wss.connections) c.terminate();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  const next = () => new Promise<WebSocketConnection>((resolve) => wss.once('connection', resolve));
  return { wss, port, url: `ws://127.0.0.1:${port}/`, next };
}

/** A raw TCP peer that completes the handshake and then reads nothing unless asked. */
async function rawPeer(t: TestContext, port: number, extraHeaders = ''): Promise<{ socket: net.Socket; firstBytes: Promise<Buffer> }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  t.after(() => socket.destroy());
  socket.write(
    'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`,
  );
  let head = Buffer.alloc(0);
  const firstBytes = new Promise<Buffer>((resolve) => {
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end !== -1 && head.length > end + 4) {
        socket.off('data', onData);
        resolve(head.subarray(end + 4));
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => {
    const check = () => (head.includes('\r\n\r\n') ? resolve() : socket.once('data', () => setImmediate(check)));
    check();
  });
  return { socket, firstBytes };
}

describe('slow consumers: only bytes already buffered count', () => {
  test('one frame larger than the cap is written to a peer with an empty buffer, and arrives', T, async (t) => {
    const h = await startServer(t, { maxBufferedAmount: 64 * 1024 });
    const c = await connect(h.url);
    t.after(() => c.terminate());
    const big = 'w'.repeat(4 * 1024 * 1024);
    const got = new Promise<string | Buffer>((resolve) => c.once('message', resolve));
    const server = [...h.wss.connections][0]!;
    assert.equal(server.bufferedAmount, 0);
    assert.equal(server.send(big), true);
    assert.equal(await got, big);
    assert.equal(server.readyState, ReadyState.OPEN);
  });
  test('a peer that never reads: each send is refused exactly when the bytes before it exceed the cap', T, async (t) => {
    const cap = 128 * 1024;
    const h = await startServer(t, { maxBufferedAmount: cap });
    const connected = h.next();
    const peer = await rawPeer(t, h.port);
    peer.socket.pause();
    const conn = await connected;
    const closed = new Promise<[number, string]>((resolve) => conn.once('close', (code, reason) => resolve([code, reason])));
    const frame = Buffer.alloc(256 * 1024, 1);
    let rounds = 0;
    for (; rounds < 2000; rounds++) {
      const before = conn.bufferedAmount;
      const queued = conn.send(frame);
      assert.equal(queued, before <= cap, `round ${rounds}: ${before} bytes buffered before, queued=${queued}`);
      if (!queued) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(rounds < 2000, 'dropped within the bound');
    assert.deepEqual(await closed, [1013, 'slow consumer']);
    assert.equal(conn.send('late'), false, 'send after the drop is refused');
    assert.equal(conn.sendPrepared(encodeMessage('late')), false);
  });
});

describe('send() and sendPrepared() return values', () => {
  test('true while open; false once closing or closed', T, async (t) => {
    const h = await startServer(t, {});
    const connected = h.next();
    const c = await connect(h.url);
    t.after(() => c.terminate());
    const server = await connected;
    assert.equal(server.send('a'), true);
    assert.equal(server.sendPrepared(prepareMessage('b')), true);
    assert.equal(server.sendPrepared(encodeMessage('c')), true);
    const gone = new Promise((resolve) => server.once('close', resolve));
    server.close();
    assert.equal(server.send('d'), false);
    assert.equal(server.sendPrepared(prepareMessage('e')), false);
    await gone;
    assert.equal(server.sendPrepared(encodeMessage('f')), false);
  });
});

describe('clientAddress and the per-address cap', () => {
  const fromHeader = (req: { headers: Record<string, string | string[] | undefined> }) => String(req.headers['x-client']);
  const open = (url: string, address: string) => connect(url, { headers: { 'X-Client': address } });
  test('remoteAddress comes from clientAddress; IPv6 addresses of one /64 share a count', T, async (t) => {
    const h = await startServer(t, { clientAddress: fromHeader, maxConnectionsPerIp: 2 });
    const a = await open(h.url, '2001:db8:1:2::1');
    const b = await open(h.url, '2001:db8:1:2:ffff:ffff:ffff:ffff');
    t.after(() => [a, b].forEach((c) => c.terminate()));
    assert.deepEqual([...h.wss.connections].map((c) => c.remoteAddress), ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff']);
    await assert.rejects(open(h.url, '2001:db8:1:2:abcd::7'), (e: unknown) => e instanceof HandshakeError && e.status === 503);
    const other = await open(h.url, '2001:db8:1:3::1'); // the next /64 has its own count
    t.after(() => other.terminate());
    // A freed slot in the /64 can be used again.
    const left = new Promise((resolve) => [...h.wss.connections][0]!.once('close', resolve));
    a.close();
    await left;
    const again = await open(h.url, '2001:db8:1:2::99');
    t.after(() => again.terminate());
  });
  test('an IPv4-mapped IPv6 address counts as its IPv4 address', T, async (t) => {
    const h = await startServer(t, { clientAddress: fromHeader, maxConnectionsPerIp: 1 });
    const a = await open(h.url, '10.1.2.3');
    t.after(() => a.terminate());
    await assert.rejects(open(h.url, '::ffff:10.1.2.3'), (e: unknown) => e instanceof HandshakeError && e.status === 503);
    const b = await open(h.url, '10.1.2.4');
    t.after(() => b.terminate());
  });
});

describe('compression choices per message', () => {
  const offer = 'Sec-WebSocket-Extensions: permessage-deflate\r\n';
  test('send(text, { compress: true }) compresses below the threshold; the default does not', T, async (t) => {
    const h = await startServer(t, { perMessageDeflate: { threshold: 1000 } });
    const connected = h.next();
    const peer = await rawPeer(t, h.port, offer);
    const conn = await connected;
    assert.equal(conn.extensions, 'permessage-deflate; server_no_context_takeover; client_no_context_takeover');
    conn.send('short', { compress: true });
    conn.send('short');
    conn.send('x'.repeat(2000));
    conn.send('x'.repeat(2000), { compress: false });
    const bytes = await peer.firstBytes;
    assert.equal(bytes[0], 0xc1, 'forced: FIN + RSV1 + text');
    // The frames follow in the same write (one flush per turn): walk them.
    const firstBytes: number[] = [];
    let at = 0;
    let all = bytes;
    while (firstBytes.length < 4) {
      while (all.length < at + 4) all = Buffer.concat([all, await new Promise<Buffer>((r) => peer.socket.once('data', r))]);
      const len7 = all[at + 1]! & 0x7f;
      const [head, len] = len7 === 126 ? [4, all.readUInt16BE(at + 2)] : [2, len7];
      firstBytes.push(all[at]!);
      at += head + len;
    }
    assert.deepEqual(firstBytes, [0xc1, 0x81, 0xc1, 0x81]);
  });
});
