// The chat mounted on an application's own HTTP server (`mountChat` from the
// package export `wschat/server`): the README's example is
// test/fixtures/mount-example.ts, word for word, and this test runs that
// file as a user would, in its own process.
// Run: node --import tsx --test test/integration/mount.test.ts

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { mountChat } from '../../lib/server/index.ts';
import { HandshakeError, connect } from '../../lib/websocket/client.ts';
import { join, ourClient, type ChatTestClient } from '../helpers/chat-client.ts';
import { freePort } from '../helpers/cluster.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXAMPLE = path.join(REPO_ROOT, 'test', 'fixtures', 'mount-example.ts');
const README_SECTION = '## Mounting the chat on your own server';

/** The first ```ts block of the README section about mounting. */
function readmeExample(): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(README_SECTION);
  assert.ok(start >= 0, `the README has a section "${README_SECTION}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  assert.ok(block?.[1], 'the section shows the example in a ```ts block');
  return block[1];
}

interface RunningExample {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Runs the example file with PORT set and waits for its "listening" line. */
async function runExample(): Promise<RunningExample> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start listening within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('listening on http://localhost:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the example exited early (${code ?? signal}):\n${output}`));
    });
  });
  return { child, port, exited, output: () => output };
}

describe('mountChat with allowedOrigins', () => {
  it('accepts the listed origins and refuses the others', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    const chat = mountChat(server, { path: '/chat', allowedOrigins: ['https://app.example'] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
    try {
      const listed = await connect(url, { origin: 'https://app.example' });
      listed.terminate();
      await assert.rejects(connect(url, { origin: 'https://evil.example' }), (error: unknown) => {
        assert.ok(error instanceof HandshakeError, String(error));
        assert.equal(error.status, 403);
        return true;
      });
    } finally {
      await chat.close(1000);
      server.close();
    }
  });
});

describe('mountChat beside the application\'s own WebSocket endpoint', () => {
  it('leaves upgrades at other paths to the application\'s listener', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    const chat = mountChat(server, { path: '/chat' });
    // The application's own endpoint answers its upgrades itself (here: a plain 418).
    server.on('upgrade', (req, socket) => {
      if (req.url === '/app') socket.end('HTTP/1.1 418 I\'m a teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await assert.rejects(connect(`ws://127.0.0.1:${port}/app`), (error: unknown) => {
        assert.ok(error instanceof HandshakeError, String(error));
        assert.equal(error.status, 418, 'the chat did not answer first');
        return true;
      });
      const client = await ourClient(`ws://127.0.0.1:${port}/chat`);
      assert.equal((await join(client, 'alice', 'mounted')).username, 'alice');
      client.close();
    } finally {
      await chat.close(1000);
      server.close();
    }
  });
});

describe('mounting the chat on an application server (README example)', () => {
  let example: RunningExample;
  const clients: ChatTestClient[] = [];

  before(async () => {
    example = await runExample();
  });

  after(async () => {
    for (const client of clients) client.destroy();
    const { child } = example ?? {};
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await example.exited;
    }
  });

  it('is the code the README shows', () => {
    assert.equal(readmeExample(), readFileSync(EXAMPLE, 'utf8'));
  });

  it("keeps the application's own routes, and adds none of the standalone server's", async () => {
    const base = `http://127.0.0.1:${example.port}`;
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /^My app\./);
    for (const route of ['/healthz', '/metrics', '/app.js']) {
      const response = await fetch(`${base}${route}`);
      await response.arrayBuffer();
      assert.equal(response.status, 404, `${route} is the application's business`);
    }
  });

  it('serves the chat at /chat with the options given', async () => {
    const url = `ws://127.0.0.1:${example.port}/chat`;
    const alice = await ourClient(url);
    const bob = await ourClient(url);
    clients.push(alice, bob);
    const welcome = await join(alice, 'alice', 'mounted');
    assert.equal(welcome.messageTtl, 60, 'messageTtl from the mount options');
    await join(bob, 'bob', 'mounted');
    await alice.next('joined');

    alice.send({ message: 'hello from the mounted chat', ref: 'm1' });
    const received = await bob.next('message');
    assert.equal(received.message, 'hello from the mounted chat');
    const ack = await alice.next('ack');
    assert.equal(ack.ref, 'm1');
    assert.equal(ack.recipients, 1);

    alice.send({ message: 'x'.repeat(501) });
    const tooLong = await alice.next('error');
    assert.equal(tooLong.code, 'message_too_long', 'maxMessageLength from the mount options');
  });

  it('refuses an upgrade at any other path', async () => {
    for (const other of ['/ws', '/', '/chat/']) {
      await assert.rejects(connect(`ws://127.0.0.1:${example.port}${other}`), (error: unknown) => {
        assert.ok(error instanceof HandshakeError, String(error));
        assert.equal(error.status, 404, `upgrade at ${other}`);
        return true;
      });
    }
  });

  it('refuses a page of another site by default, as the standalone server does (RFC 6455 §10.2)', async () => {
    const url = `ws://127.0.0.1:${example.port}/chat`;
    const own = await connect(url, { origin: `http://127.0.0.1:${example.port}` });
    own.terminate();
    await assert.rejects(connect(url, { origin: 'http://evil.example' }), (error: unknown) => {
      assert.ok(error instanceof HandshakeError, String(error));
      assert.equal(error.status, 403);
      return true;
    });
  });

  it('close() ends every chat connection with 1001, then the example stops', async () => {
    const url = `ws://127.0.0.1:${example.port}/chat`;
    const carol = await ourClient(url);
    const lobbyOnly = await ourClient(url);
    clients.push(carol, lobbyOnly);
    await join(carol, 'carol', 'closing');
    // The example calls `chat.close()` on SIGTERM.
    example.child.kill('SIGTERM');
    const [joined, unjoined] = await Promise.all([carol.closed, lobbyOnly.closed]);
    assert.equal(joined.code, 1001);
    assert.equal(unjoined.code, 1001, 'a connection that never joined too');
    const exit = await example.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, `the process ends by itself once the server is closed:\n${example.output()}`);
  });
});
