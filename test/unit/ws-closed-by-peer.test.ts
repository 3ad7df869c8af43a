// WebSocketConnection.closedByPeer over real sockets on 127.0.0.1: true only
// when the peer's Close frame came before ours (a chat client that left on
// purpose), false when we closed, failed the connection, or it dropped (1006).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '../../lib/websocket/client.ts';
import type { WebSocketConnection } from '../../lib/websocket/connection.ts';
import { WebSocketServer } from '../../lib/websocket/server.ts';

const T = { timeout: 10_000 };

async function pair(t: TestContext): Promise<{ server: WebSocketConnection; client: WebSocketConnection }> {
  const http = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ closeTimeoutMs: 2000 }).attach(http);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  t.after(async () => {
    for (const c of wss.connections) c.terminate();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  const accepted = once(wss, 'connection') as Promise<[WebSocketConnection]>;
  const client = await connect(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`);
  const [server] = await accepted;
  return { server, client };
}

/** Not events.once: that would reject on the 'error' a fault emits first. */
const closed = (c: WebSocketConnection) =>
  new Promise<[number, string]>((resolve) => c.once('close', (code, reason) => resolve([code, reason])));

test('the client closes: the server sees closedByPeer, the client does not', T, async (t) => {
  const { server, client } = await pair(t);
  const [s, c] = [closed(server), closed(client)];
  assert.equal(server.closedByPeer, false, 'false while open');
  client.close(1000, 'bye');
  assert.deepEqual(await s, [1000, 'bye']);
  await c;
  assert.equal(server.closedByPeer, true);
  assert.equal(client.closedByPeer, false);
});

test('the server closes: the client sees closedByPeer', T, async (t) => {
  const { server, client } = await pair(t);
  const [s, c] = [closed(server), closed(client)];
  server.close(4000, 'replaced');
  assert.deepEqual(await c, [4000, 'replaced']);
  await s;
  assert.equal(client.closedByPeer, true);
  assert.equal(server.closedByPeer, false);
});

test('a drop without a Close frame (1006) is not a close by the peer', T, async (t) => {
  const { server, client } = await pair(t);
  const s = closed(server);
  client.terminate();
  assert.deepEqual(await s, [1006, '']);
  assert.equal(server.closedByPeer, false);
});

test('a protocol fault by the peer is not a close by the peer', T, async (t) => {
  const { server, client } = await pair(t);
  const s = closed(server);
  const faults: string[] = [];
  server.on('error', (error) => faults.push(String(error.code)));
  // A client frame without a mask is a fault the server fails with 1002 (§5.1).
  (client as unknown as { socket: { write(b: Buffer): void } }).socket.write(Buffer.from([0x81, 0x01, 0x61]));
  assert.equal((await s)[0], 1002);
  assert.deepEqual(faults, ['WS_ERR_EXPECTED_MASK']);
  assert.equal(server.closedByPeer, false);
});
