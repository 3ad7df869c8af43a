/**
 * --trust-proxy over real sockets from 127.0.0.1: X-Forwarded-For is believed
 * only from a trusted peer; the forwarded client is the address logged and
 * counted by the WebSocket per-address cap; a trusted proxy is not held to
 * the plain HTTP per-address cap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startChatServer } from '../helpers/chat-server.ts';
import { openRaw, rawRequest, statusOf, type RawSocket } from './raw-http.ts';

const T = { timeout: 15_000 };
let keyCounter = 0;

function upgrade(path: string, forwardedFor?: string): string {
  const key = Buffer.alloc(16, ++keyCounter).toString('base64');
  return (
    `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n` +
    (forwardedFor ? `X-Forwarded-For: ${forwardedFor}\r\n` : '') +
    '\r\n'
  );
}

/** Opens a WebSocket (raw) and resolves once the 101 has arrived. */
async function openUpgraded(port: number, forwardedFor: string): Promise<RawSocket> {
  const raw = await openRaw(port);
  raw.socket.write(upgrade('/ws', forwardedFor));
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (raw.received().includes('\r\n\r\n')) {
        raw.socket.off('data', check);
        if (statusOf(raw.received()) === 101) resolve();
        else reject(new Error(raw.received()));
      }
    };
    raw.socket.on('data', check);
  });
  return raw;
}

describe('--trust-proxy', () => {
  it('without trust, X-Forwarded-For is ignored in the log', T, async (t) => {
    const server = await startChatServer();
    t.after(() => server.stop());
    await rawRequest(server.port, upgrade('/nowhere', '198.51.100.7'));
    const line = server.log.find((l) => l.includes(' upgrade_refused '));
    assert.match(line ?? '', / addr=127\.0\.0\.1 /);
  });

  it('from a trusted peer, the right-most untrusted entry is the client in the log', T, async (t) => {
    const server = await startChatServer({ trustProxy: ['loopback'] });
    t.after(() => server.stop());
    await rawRequest(server.port, upgrade('/nowhere', '6.6.6.6, 198.51.100.7, 127.0.0.5'));
    const line = server.log.find((l) => l.includes(' upgrade_refused '));
    assert.match(line ?? '', / addr=198\.51\.100\.7 /);
  });

  it('the WebSocket per-address cap counts forwarded clients, not the proxy', T, async (t) => {
    const server = await startChatServer({ trustProxy: ['127.0.0.1'], maxConnectionsPerIp: 2 });
    const held: RawSocket[] = [];
    t.after(async () => {
      for (const raw of held) raw.socket.destroy();
      await server.stop();
    });
    held.push(await openUpgraded(server.port, '198.51.100.1'));
    held.push(await openUpgraded(server.port, '198.51.100.1'));
    held.push(await openUpgraded(server.port, '198.51.100.2'));
    held.push(await openUpgraded(server.port, '198.51.100.2'));
    const third = await rawRequest(server.port, upgrade('/ws', '198.51.100.1'));
    assert.equal(statusOf(third), 503, third);
    assert.match(server.log.findLast((l) => l.includes(' upgrade_refused ')) ?? '', / addr=198\.51\.100\.1 /);
  });

  it('a trusted proxy is not held to the plain HTTP per-address cap; others are', T, async (t) => {
    const server = await startChatServer({ trustProxy: ['127.0.0.1'], maxHttpConnectionsPerIp: 2 });
    const held: RawSocket[] = [];
    t.after(async () => {
      for (const raw of held) raw.socket.destroy();
      await server.stop();
    });
    for (let i = 0; i < 4; i++) held.push(await openRaw(server.port, '127.0.0.1'));
    assert.equal(statusOf(await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.1')), 200);
    for (let i = 0; i < 2; i++) held.push(await openRaw(server.port, '127.0.0.2'));
    assert.equal(statusOf(await (await openRaw(server.port, '127.0.0.2')).closed), 503);
  });
});
