/**
 * Hardening: HTTPS and wss:// on the same port (--tls-cert/--tls-key),
 * with the self-signed certificate in test/fixtures/tls (CN=localhost,
 * SAN DNS:localhost and IP:127.0.0.1, valid until 2126). Our client and
 * the `ws` client, trusting it as their CA, join and chat; /healthz works
 * over HTTPS; the handshake timeout also covers TLS connections.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { connect } from '../../lib/websocket/client.ts';
import type { WebSocketConnection } from '../../lib/websocket/connection.ts';
import { sleep, type Frame } from '../helpers/chat-client.ts';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';

const CERT = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url));
const CA = readFileSync(CERT);

/** Collects JSON frames; `next(type)` waits for the next unread one of that type. */
class Inbox {
  readonly frames: Frame[] = [];
  private read = 0;
  push(text: string): void {
    this.frames.push(JSON.parse(text) as Frame);
  }
  async next(type: string, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.frames.length) {
        const frame = this.frames[this.read++]!;
        if (frame.type === type) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-3))}`);
      await sleep(10);
    }
  }
}

function getHttps(url: string, ca?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, ca ? { ca } : {}, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('https request timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('TLS: https:// and wss:// on one port', () => {
  let server: RunningChatServer;
  let wss: string;
  let https: string;

  before(async () => {
    server = await startChatServer({ tlsCert: CERT, tlsKey: KEY, handshakeTimeout: 0.5 });
    wss = `wss://127.0.0.1:${server.port}/ws`;
    https = `https://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.stop();
  });

  it('our client and the ws client join and chat over wss:// with the CA', { timeout: 15_000 }, async () => {
    let ours: WebSocketConnection | undefined;
    let theirs: WebSocket | undefined;
    try {
      ours = await connect(wss, { ca: CA });
      const oursInbox = new Inbox();
      ours.on('message', (data, isBinary) => {
        if (!isBinary) oursInbox.push(data as string);
      });
      ours.on('error', () => {});

      theirs = new WebSocket(wss, { ca: CA });
      const theirsInbox = new Inbox();
      theirs.on('message', (data, isBinary) => {
        if (!isBinary) theirsInbox.push(data.toString());
      });
      theirs.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        theirs!.once('open', () => resolve());
        theirs!.once('error', reject);
      });

      ours.send(JSON.stringify({ username: 'alice', topic: 'secure' }));
      assert.deepEqual((await oursInbox.next('welcome')).users, ['alice']);
      theirs.send(JSON.stringify({ username: 'bob', topic: 'secure' }));
      assert.deepEqual((await theirsInbox.next('welcome')).users, ['alice', 'bob']);
      assert.equal((await oursInbox.next('joined')).username, 'bob');

      ours.send(JSON.stringify({ message: 'over TLS', ref: 'r1' }));
      const got = await theirsInbox.next('message');
      assert.equal(got.message, 'over TLS');
      assert.equal(got.username, 'alice');
      const ack = await oursInbox.next('ack');
      assert.equal(ack.id, got.id);
      assert.equal(ack.recipients, 1);

      // A message big enough to span several TLS records, both ways.
      const big = 'ü'.repeat(1999);
      theirs.send(JSON.stringify({ message: big }));
      assert.equal((await oursInbox.next('message')).message, big);
      assert.equal((await theirsInbox.next('ack')).recipients, 1);

      const health = await getHttps(`${https}/healthz`, CA);
      assert.equal(health.status, 200);
      const body = JSON.parse(health.body) as { status: string; connections: number; topics: number };
      assert.equal(body.status, 'ok');
      assert.equal(body.connections, 2);
      assert.equal(body.topics, 1);

      ours.send('/quit');
      const closed = await new Promise<number>((resolve) => ours!.once('close', (code) => resolve(code)));
      assert.equal(closed, 1000);
      assert.equal((await theirsInbox.next('left')).username, 'alice');
    } finally {
      ours?.terminate();
      theirs?.terminate();
    }
  });

  it('GET https://.../healthz works with the CA and is refused without it', { timeout: 10_000 }, async () => {
    const res = await getHttps(`${https}/healthz`, CA);
    assert.equal(res.status, 200);
    assert.match(res.body, /"status":"ok"/);
    await assert.rejects(getHttps(`${https}/healthz`), (error: NodeJS.ErrnoException) => {
      assert.match(String(error.code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      return true;
    });
    // Our client checks the certificate too.
    await assert.rejects(connect(wss));
  });

  it('plain ws:// to the TLS port fails cleanly and the server stays up', { timeout: 10_000 }, async () => {
    await assert.rejects(connect(`ws://127.0.0.1:${server.port}/ws`, { handshakeTimeoutMs: 3000 }));
    assert.equal((await getHttps(`${https}/healthz`, CA)).status, 200);
  });

  it('--handshake-timeout closes a TLS client that never sends its upgrade request', { timeout: 10_000 }, async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca: CA });
    socket.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', () => resolve());
        socket.once('error', reject);
      });
      const closed = await Promise.race([
        new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
        sleep(4000).then(() => false),
      ]);
      assert.ok(closed, 'a TLS connection without a request was still open 4 s after a 0.5 s handshake timeout');
    } finally {
      socket.destroy();
    }
  });

  it('--handshake-timeout closes a TCP client that never starts the TLS handshake', { timeout: 10_000 }, async () => {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      });
      const closed = await Promise.race([
        new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
        sleep(4000).then(() => false),
      ]);
      assert.ok(
        closed,
        'a TCP connection that never sent a TLS ClientHello was still open 4 s after a 0.5 s handshake timeout ' +
          '(the timer starts on secureConnection only; Node\'s own TLS handshake timeout is 120 s)',
      );
    } finally {
      socket.destroy();
    }
  });
});
