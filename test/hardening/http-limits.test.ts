/**
 * Plain HTTP limits over real sockets: request bodies are refused and their
 * connection closed (a trickled body cannot hold a socket), and the number
 * of open plain connections is capped in total and per address, with one
 * log line per burst, while other addresses are still served.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startChatServer } from '../helpers/chat-server.ts';
import { wsClient, type ChatTestClient } from '../helpers/chat-client.ts';
import { openRaw, rawRequest, statusOf, type RawSocket } from './raw-http.ts';

const T = { timeout: 20_000 };

describe('plain HTTP limits', () => {
  it('a POST trickling its body a byte every 200 ms is answered 405 and cut before it is done', T, async (t) => {
    const server = await startChatServer();
    t.after(() => server.stop());
    const raw = await openRaw(server.port);
    const bodyLength = 50; // 10 s of trickle
    raw.socket.write(`POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: ${bodyLength}\r\n\r\n`);
    let sent = 0;
    let open = true;
    void raw.closed.then(() => (open = false));
    // Trickle until the server closes the connection or the whole body is out.
    while (open && sent < bodyLength) {
      await Promise.race([new Promise((r) => setTimeout(r, 200)), raw.closed]);
      if (open) raw.socket.write('x', () => {});
      sent++;
    }
    const response = await Promise.race([raw.closed, Promise.resolve('still open')]);
    assert.equal(statusOf(response), 405, response);
    assert.match(response, /connection: close/i);
    assert.ok(sent < bodyLength, `the connection outlived the whole trickled body (${sent} bytes sent)`);
    assert.ok(server.log.some((line) => / warn http_limit reason="request body not accepted"/.test(line)), server.log.join(''));
  });

  it('GET with a body gets 413 and the connection closes; a GET without one keeps working', T, async (t) => {
    const server = await startChatServer();
    t.after(() => server.stop());
    const response = await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
    assert.equal(statusOf(response), 413, response);
    const chunked = await rawRequest(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    assert.equal(statusOf(chunked), 413, chunked);
    assert.equal(statusOf(await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')), 200);
  });

  it('idle connections beyond the per-address cap are refused with 503, /healthz from another address answers, one log line per burst', T, async (t) => {
    const server = await startChatServer({ maxHttpConnectionsPerIp: 3 });
    const held: RawSocket[] = [];
    t.after(async () => {
      for (const raw of held) raw.socket.destroy();
      await server.stop();
    });
    for (let i = 0; i < 3; i++) held.push(await openRaw(server.port, '127.0.0.1'));
    // Accepted in order: the server has counted the three before it sees these.
    const refused = await Promise.all([1, 2, 3, 4].map(async () => (await openRaw(server.port, '127.0.0.1')).closed));
    for (const response of refused) assert.equal(statusOf(response), 503, response);
    assert.match(refused[0]!, /too many HTTP connections from this address/);
    const health = await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.2');
    assert.equal(statusOf(health), 200, health);
    for (const raw of held) assert.equal(raw.socket.destroyed, false);
    const limitLines = server.log.filter((line) => line.includes(' http_limit '));
    assert.equal(limitLines.length, 1, limitLines.join(''));
    const metrics = await rawRequest(server.port, 'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.2');
    assert.match(metrics, /^chat_http_refused_total\{reason="per_address_cap"\} 4$/m);
  });

  it('the total cap refuses every address once reached; a closed connection frees its slot', T, async (t) => {
    const server = await startChatServer({ maxHttpConnections: 3 });
    const held: RawSocket[] = [];
    t.after(async () => {
      for (const raw of held) raw.socket.destroy();
      await server.stop();
    });
    for (let i = 0; i < 3; i++) held.push(await openRaw(server.port, `127.0.0.${10 + i}`));
    const response = await (await openRaw(server.port, '127.0.0.20')).closed;
    assert.equal(statusOf(response), 503, response);
    assert.match(response, /too many HTTP connections/);
    held.shift()!.socket.destroy();
    // Once the server has seen the close, a new connection is served.
    for (let attempt = 0; ; attempt++) {
      const health = await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.21');
      if (statusOf(health) === 200) break;
      assert.ok(attempt < 50, 'the closed connection never freed its slot');
      await new Promise((r) => setImmediate(r));
    }
  });

  it('upgraded WebSocket connections do not hold plain HTTP slots', T, async (t) => {
    const server = await startChatServer({ maxHttpConnectionsPerIp: 1 });
    t.after(() => server.stop());
    const clients: ChatTestClient[] = [];
    for (let i = 0; i < 4; i++) clients.push(await wsClient(server.url));
    t.after(() => clients.forEach((c) => c.close()));
    assert.equal(statusOf(await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')), 200);
  });
});
