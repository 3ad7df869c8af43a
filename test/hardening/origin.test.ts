/** The Origin check over the wire (RFC 6454 comparison): default ports and schemes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startChatServer } from '../helpers/chat-server.ts';
import { openRaw, rawRequest, statusOf } from './raw-http.ts';

function upgrade(host: string, origin: string): string {
  return (
    `GET /ws HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
  );
}

/** The status line only: a 101 leaves the connection open, so read until the head is in. */
async function status(port: number, head: string): Promise<number> {
  const raw = await openRaw(port);
  raw.socket.write(head);
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (raw.received().includes('\r\n\r\n')) resolve();
    };
    raw.socket.on('data', check);
    void raw.closed.then(() => resolve());
  });
  raw.socket.destroy();
  return statusOf(raw.received());
}

describe('Origin over the wire', () => {
  it('Host x:80 with Origin http://x is the same origin; https on a plain server is not', { timeout: 10_000 }, async (t) => {
    const server = await startChatServer();
    t.after(() => server.stop());
    assert.equal(await status(server.port, upgrade('chat.example:80', 'http://chat.example')), 101);
    assert.equal(await status(server.port, upgrade('chat.example', 'http://chat.example:80')), 101);
    assert.equal(await status(server.port, upgrade(`127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port}`)), 101);
    assert.equal(statusOf(await rawRequest(server.port, upgrade('chat.example:443', 'https://chat.example'))), 403);
    assert.equal(statusOf(await rawRequest(server.port, upgrade('chat.example:80', 'http://chat.example:8080'))), 403);
  });
});
