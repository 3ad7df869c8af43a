// The shared gather buffer (lib/websocket/gather.ts): a turn's frames for a
// connection are copied into one buffer shared by all connections and
// written at once. Over real sockets on 127.0.0.1: a peer that stops
// reading makes its writes wait in the socket, so the buffer they came from
// must not be used again while other connections go on writing.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import { connect } from '../../lib/websocket/client.ts';
import type { WebSocketConnection } from '../../lib/websocket/connection.ts';
import { afterWrite, gatherFrames, sharesGather } from '../../lib/websocket/gather.ts';
import { WebSocketServer } from '../../lib/websocket/server.ts';

const T = { timeout: 20_000 };

describe('gather buffer', () => {
  test('only plain TCP sockets share it', () => {
    assert.equal(sharesGather(new net.Socket()), true);
    assert.equal(sharesGather(new tls.TLSSocket(new net.Socket())), false);
    assert.equal(sharesGather(new PassThrough()), false);
  });

  test('a view of one buffer while writes complete; a new buffer once a socket keeps one', () => {
    const tcp = new net.Socket();
    const frames = [Buffer.from('abc'), Buffer.from('defg')];
    const first = gatherFrames(tcp, frames, 7);
    assert.equal(first.toString(), 'abcdefg');
    const done = { writableLength: 0 } as unknown as net.Socket;
    afterWrite(done, first);
    const second = gatherFrames(tcp, [Buffer.from('xy'), Buffer.from('z')], 3);
    assert.equal(second.buffer, first.buffer, 'reused after a write that completed');
    const waiting = { writableLength: 3 } as unknown as net.Socket;
    afterWrite(waiting, second);
    const third = gatherFrames(tcp, [Buffer.from('1'), Buffer.from('2')], 2);
    assert.notEqual(third.buffer, second.buffer, 'the waiting socket keeps its bytes');
    assert.equal(second.toString(), 'xyz');
    // Larger than the shared buffer: a buffer of its own.
    const big = Buffer.alloc(200 * 1024, 1);
    assert.notEqual(gatherFrames(tcp, [big, big], 400 * 1024).buffer, third.buffer);
    // A stream that may keep what it is given: a buffer of its own.
    assert.notEqual(gatherFrames(new PassThrough(), [Buffer.from('a'), Buffer.from('b')], 2).buffer, third.buffer);
  });

  test('a peer that stops reading gets every byte intact while others keep writing', T, async (t) => {
    const http = createServer();
    const wss = new WebSocketServer({ closeTimeoutMs: 1000 }).attach(http);
    const accepted: WebSocketConnection[] = [];
    wss.on('connection', (c) => accepted.push(c));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const port = (http.address() as net.AddressInfo).port;
    t.after(async () => {
      for (const c of wss.connections) c.terminate();
      http.close();
    });

    // The slow peer: a raw socket that completes the handshake, then stops reading.
    const slowPeer = net.connect(port, '127.0.0.1');
    t.after(() => slowPeer.destroy());
    await once(slowPeer, 'connect');
    slowPeer.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const received: Buffer[] = [];
    slowPeer.on('data', (chunk: Buffer) => received.push(chunk));
    while (accepted.length < 1) await new Promise((resolve) => setImmediate(resolve));
    const slow = accepted[0]!;
    // Wait for the 101 response before pausing, so that it is not caught in the pause.
    while (!Buffer.concat(received).includes('\r\n\r\n')) await new Promise((resolve) => setImmediate(resolve));
    slowPeer.pause();

    const fast = await connect(`ws://127.0.0.1:${port}/`);
    t.after(() => fast.terminate());
    while (accepted.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const fastServer = accepted[1]!;
    const fastGot: string[] = [];
    fast.on('message', (data) => fastGot.push(String(data)));

    // Three 16 KiB frames per turn to each (several frames: the gather path), until the
    // slow peer's socket holds bytes back, then 50 turns more (bounded).
    const payload = (who: string, n: number): string => `${who}:${n}:`.padEnd(16 * 1024, String.fromCharCode(97 + (n % 26)));
    let n = 0;
    let turnsAfterBackpressure = -1;
    for (let turn = 0; turn < 3000 && turnsAfterBackpressure < 50; turn++) {
      for (let k = 0; k < 3; k++, n++) {
        slow.send(payload('slow', n));
        fastServer.send(payload('fast', n));
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (turnsAfterBackpressure >= 0) turnsAfterBackpressure++;
      else if (slow.bufferedAmount > 0) turnsAfterBackpressure = 0;
    }
    assert.ok(turnsAfterBackpressure >= 50, 'the slow peer\'s socket held bytes back');

    // The fast client got everything, intact.
    while (fastGot.length < n) await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < n; i++) assert.equal(fastGot[i], payload('fast', i), `fast message ${i}`);

    // The slow peer reads again: every frame intact and in order.
    slowPeer.resume();
    const all = (): Buffer => Buffer.concat(received);
    const messages = (): string[] => parseServerFrames(all().subarray(all().indexOf('\r\n\r\n') + 4));
    while (messages().length < n) await new Promise((resolve) => setTimeout(resolve, 5));
    const got = messages();
    assert.equal(got.length, n);
    for (let i = 0; i < n; i++) assert.equal(got[i], payload('slow', i), `slow message ${i}`);
  });
});

/** Unmasked server text frames, each final (RFC 6455 §5.2); stops at an incomplete frame. */
function parseServerFrames(bytes: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    let length = bytes[at + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      if (at + 4 > bytes.length) break;
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (at + 10 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(at + 2));
      header = 10;
    }
    if (at + header + length > bytes.length) break;
    assert.equal(bytes[at]!, 0x81, 'a final text frame');
    out.push(bytes.toString('utf8', at + header, at + header + length));
    at += header + length;
  }
  return out;
}
