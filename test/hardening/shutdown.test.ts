/**
 * Hardening: graceful shutdown of the real server process. Clients send
 * continuously; SIGTERM must close every one of them with 1001, the process
 * must exit with code 0 within 5 s, and every acknowledged message must have
 * reached every recipient counted in its ack.
 *
 * Runs `node bin/server.js`, which loads dist/: build first (`npm run build`).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join, ourClient, sleep, wsClient, type ChatTestClient } from '../helpers/chat-client.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER = fileURLToPath(new URL('../../bin/server.js', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../../dist/server/chat-server.js', import.meta.url)));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Spawned {
  child: ChildProcess;
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function spawnServer(port: number): Promise<Spawned> {
  const child = spawn(process.execPath, [SERVER, '--port', String(port), '--host', '127.0.0.1', '--rate-limit', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let listening!: () => void;
  const ready = new Promise<void>((r) => (listening = r));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr.push(text);
    if (stderr.join('').includes(' listening ')) listening();
  });
  const timer = setTimeout(() => listening(), 10_000);
  await Promise.race([ready, exited]);
  clearTimeout(timer);
  assert.ok(stderr.join('').includes(' listening '), `the server did not start: ${stderr.join('')}`);
  return { child, stderr, exited };
}

interface Talker {
  name: string;
  client: ChatTestClient;
  closed: { code: number; reason: string } | undefined;
  sent: number;
}

describe('graceful shutdown of bin/server.js', () => {
  it('SIGTERM: close 1001 to every client, exit 0 within 5 s, every acked message delivered', { timeout: 30_000, skip: BUILT ? false : 'dist/ is not built: run npm run build' }, async (t) => {
    const port = await freePort();
    const server = await spawnServer(port);
    const url = `ws://127.0.0.1:${port}/ws`;
    const talkers: Talker[] = [];
    let pump: NodeJS.Timeout | undefined;
    try {
      const kinds = ['ours', 'ws', 'ours', 'ws', 'ours'] as const;
      for (let i = 0; i < kinds.length; i++) {
        const client = kinds[i] === 'ours' ? await ourClient(url) : await wsClient(url);
        const talker: Talker = { name: `talker${i}`, client, closed: undefined, sent: 0 };
        void client.closed.then((c) => (talker.closed = c));
        talkers.push(talker);
        await join(client, talker.name, 'shutdown');
      }
      const n = talkers.length;

      // Everyone sends continuously: a few messages per client every 5 ms.
      pump = setInterval(() => {
        for (const talker of talkers) {
          if (talker.closed !== undefined) continue;
          for (let k = 0; k < 3; k++) {
            talker.client.send({ message: `${talker.name} ${talker.sent}`, ref: talker.sent });
            talker.sent++;
          }
        }
      }, 5);
      await sleep(800);

      const signalledAt = Date.now();
      assert.ok(server.child.kill('SIGTERM'));
      // It stops accepting: a new connection is refused or gets no 101.
      await sleep(50);
      const late = await new Promise<string>((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port });
        let data = '';
        s.on('data', (d) => (data += d.toString('latin1')));
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        s.on('close', () => resolve(data.split('\r\n')[0] || 'closed'));
        s.on('connect', () =>
          s.end(
            `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          ),
        );
        setTimeout(() => {
          s.destroy();
          resolve('timeout');
        }, 3000);
      });
      assert.doesNotMatch(late, /101/, 'a new upgrade was accepted after SIGTERM');

      // The process must be gone within 5 s (bounded wait, plus a little for process teardown).
      const exit = await Promise.race([server.exited, sleep(5500).then(() => undefined)]);
      clearInterval(pump);
      assert.ok(exit !== undefined, `the server was still running 5 s after SIGTERM\n${server.stderr.join('')}`);
      t.diagnostic(`exited ${exit.at - signalledAt} ms after SIGTERM`);
      assert.equal(exit.signal, null, 'killed by a signal instead of exiting');
      assert.equal(exit.code, 0, `exit code\n${server.stderr.join('').slice(-2000)}`);

      // Every client got 1001.
      for (const talker of talkers) {
        await Promise.race([talker.client.closed, sleep(2000)]);
        assert.equal(talker.closed?.code, 1001, `${talker.name} closed with ${JSON.stringify(talker.closed)}`);
      }

      // Every acked message reached every other client in the topic.
      let checked = 0;
      let partial = 0;
      for (const sender of talkers) {
        const acks = sender.client.frames.filter((f) => f.type === 'ack');
        assert.ok(acks.length > 0, `${sender.name} got no ack at all`);
        for (const ack of acks) {
          if (ack.recipients !== n - 1) {
            partial++;
            continue;
          }
          checked++;
          for (const other of talkers) {
            if (other === sender) continue;
            const got = other.client.frames.some((f) => f.type === 'message' && f.id === ack.id);
            assert.ok(got, `message ${String(ack.id)} from ${sender.name} was acked with recipients=${n - 1} but ${other.name} never got it`);
          }
        }
      }
      t.diagnostic(`${checked} acked messages checked at ${n - 1} recipients each; ${partial} acks with fewer recipients`);
      assert.ok(checked > 100, 'too little traffic before the shutdown to mean anything');
      assert.equal(partial, 0, 'every client was in the topic until the end, so every ack should count all the others');

      const log = server.stderr.join('');
      assert.match(log, / shutdown signal=SIGTERM/);
      assert.doesNotMatch(log, / error /, 'a log line at level error');
      assert.doesNotMatch(log, /\n\s+at /, 'a stack trace in the log');
    } finally {
      if (pump) clearInterval(pump);
      for (const talker of talkers) talker.client.destroy();
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  });
});
