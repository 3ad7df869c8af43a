/**
 * Logging never takes the server down: with standard error closed under it,
 * bin/server.js keeps serving and does not spin (its CPU time, read from
 * /proc, stays a small fraction of the wall time); the last line after a
 * signal is `stopped`; a failed TLS handshake is one line.
 *
 * The bin/server.js cases load dist/: build first (`npm run build`).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startChatServer } from '../helpers/chat-server.ts';
import { rawRequest, statusOf } from './raw-http.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER = fileURLToPath(new URL('../../bin/server.js', import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL('../../dist/server/http-front.js', import.meta.url)));
const ON_LINUX = existsSync('/proc/self/stat');
const CERT = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url));

interface Spawned {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts bin/server.js on a free port (port 0, read from the `listening` line). */
async function spawnServer(extra: string[] = []): Promise<Spawned> {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--host', '127.0.0.1', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  let text = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      text += chunk;
      const match = / listening url=http:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(() => reject(new Error(`the server exited: ${text}`)));
  });
  return { child, port, stderr: () => text, exited };
}

/** utime + stime of a process in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

describe('logging', () => {
  it('stderr closed under the server: it keeps serving and does not spin', { timeout: 30_000, skip: !BUILT ? 'dist/ is not built: run npm run build' : !ON_LINUX ? 'needs /proc' : false }, async (t) => {
    const server = await spawnServer();
    t.after(async () => {
      server.child.kill('SIGKILL');
      await server.exited;
    });
    // The reader goes away: every later write to stderr fails with EPIPE.
    server.child.stderr!.destroy();
    // Requests that log (a refused upgrade, a 404), then proof it still serves.
    for (let i = 0; i < 5; i++) {
      await rawRequest(server.port, 'GET /nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    }
    assert.equal(statusOf(await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')), 200);

    // CPU work over a second of wall time: a logging loop would use nearly all of it.
    const pid = server.child.pid!;
    const ticksBefore = cpuTicks(pid);
    const wallBefore = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ticks = cpuTicks(pid) - ticksBefore;
    const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9;
    const share = ticks / TICKS_PER_SECOND / wallSeconds;
    console.log(`# idle CPU share with stderr closed: ${(share * 100).toFixed(1)} % (${ticks} ticks in ${wallSeconds.toFixed(2)} s)`);
    assert.ok(share < 0.2, `the server spins: ${(share * 100).toFixed(0)} % CPU while idle`);
    assert.equal(statusOf(await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')), 200);
    assert.equal(server.child.exitCode, null);
  });

  it('after SIGTERM the last line is `stopped`', { timeout: 20_000, skip: BUILT ? false : 'dist/ is not built: run npm run build' }, async () => {
    const server = await spawnServer();
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    const lines = server.stderr().trimEnd().split('\n');
    assert.match(lines.at(-2)!, / info shutdown signal=SIGTERM$/);
    assert.match(lines.at(-1)!, / info stopped signal=SIGTERM$/);
  });

  it('a failed TLS handshake is one log line and one count', { timeout: 10_000 }, async (t) => {
    const server = await startChatServer({ tlsCert: CERT, tlsKey: KEY });
    t.after(() => server.stop());
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); // plain HTTP to a TLS port
    await new Promise((resolve) => socket.once('close', resolve));
    const lines = server.log.filter((line) => line.includes(' tls_handshake_failed '));
    assert.equal(lines.length, 1, server.log.join(''));
    assert.match(lines[0]!, / warn tls_handshake_failed addr=127\.0\.0\.1 code=ERR_SSL_\w+ reason="[^\n]+"\n$/);
    assert.match(server.chat.front.metrics.render(), /^chat_tls_handshake_failures_total 1$/m);
  });
});
