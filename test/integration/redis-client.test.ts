// RedisConnection (lib/redis/client.ts) against a real redis-server started on
// a free port: pipelining, AUTH, SELECT, restarts, stalls (SIGSTOP), no resend,
// blocking stream reads, and a clean exit after close(). Also parseRedisUrl.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  parseRedisUrl, RedisConnection, RedisReplyError, RedisUnavailableError, RedisUrlError,
  type RedisConnectionOptions, type ReconnectInfo,
} from '../../lib/redis/index.ts';
import { rawCommand, startRedis, type RunningRedis } from '../helpers/redis-server.ts';

const T = { timeout: 30_000 };

/** A connection whose events are recorded, closed by the test's cleanup list. */
function open(url: string, options: RedisConnectionOptions = {}) {
  const redis = new RedisConnection(url, options);
  const downs: Error[] = [];
  const attempts: ReconnectInfo[] = [];
  let readies = 0;
  redis.on('down', (error) => downs.push(error));
  redis.on('reconnecting', (info) => attempts.push(info));
  redis.on('ready', () => { readies++; });
  connections.push(redis);
  redis.connect();
  return { redis, downs, attempts, get readies() { return readies; } };
}

const connections: RedisConnection[] = [];
const servers: RunningRedis[] = [];

async function server(options?: Parameters<typeof startRedis>[0]): Promise<RunningRedis> {
  const running = await startRedis(options);
  servers.push(running);
  return running;
}

after(async () => {
  await Promise.all(connections.map((connection) => connection.close()));
  for (const running of servers) running.resume();
  await Promise.all(servers.map((running) => running.kill()));
});

/** Resolves once a reconnect attempt numbered `attempt` or later has been scheduled. */
function reconnectAttempt(redis: RedisConnection, attempt: number): Promise<void> {
  return new Promise((resolve) => {
    const listener = (info: ReconnectInfo) => {
      if (info.attempt >= attempt) { redis.off('reconnecting', listener); resolve(); }
    };
    redis.on('reconnecting', listener);
  });
}

describe('RedisConnection against a real redis-server', () => {
  let redis: RunningRedis;
  before(async () => { redis = await server(); });

  test('1000 pipelined commands get their replies in order', T, async () => {
    const { redis: client } = open(redis.url);
    await client.whenReady();
    const replies = await Promise.all(Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0 ? client.command(['INCR', 'pipelined']) : client.command(['ECHO', `echo ${i}`])));
    replies.forEach((reply, i) => assert.equal(reply, i % 2 === 0 ? i / 2 + 1 : `echo ${i}`));
    await client.close();
  });

  test('an error reply rejects that command only, with its code', T, async () => {
    const { redis: client, downs } = open(redis.url);
    await client.whenReady();
    await client.command(['SET', 'a-string', 'x']);
    const [wrong, fine] = await Promise.allSettled([client.command(['LPUSH', 'a-string', 'y']), client.command(['GET', 'a-string'])]);
    assert.ok(wrong.status === 'rejected' && wrong.reason instanceof RedisReplyError);
    assert.equal(wrong.reason.code, 'WRONGTYPE');
    assert.deepEqual(fine, { status: 'fulfilled', value: 'x' });
    assert.equal(client.isReady, true);
    assert.equal(downs.length, 0);
    await assert.rejects(client.command(['SET', 'k', Number.NaN]), TypeError);
    await client.close();
  });

  test('SELECT keeps databases apart', T, async () => {
    const one = open(`${redis.url}/1`).redis;
    const two = open(`${redis.url}/2`).redis;
    await Promise.all([one.whenReady(), two.whenReady()]);
    await one.command(['SET', 'shared-name', 'in db 1']);
    assert.equal(await two.command(['GET', 'shared-name']), null);
    await two.command(['SET', 'shared-name', 'in db 2']);
    assert.equal(await one.command(['GET', 'shared-name']), 'in db 1');
    assert.match(String(await two.command(['CLIENT', 'INFO'])), / db=2 /);
    await Promise.all([one.close(), two.close()]);
  });

  test('XREAD BLOCK on a second connection: no stall PING while blocked, entries arrive', T, async () => {
    // A stall timeout shorter than the block time: a PING queued behind the
    // blocked read would miss its deadline and break the link.
    const options = { pingIntervalMs: 50, stallTimeoutMs: 300 };
    const reader = open(redis.url, options);
    const writer = open(redis.url, options).redis;
    await Promise.all([reader.redis.whenReady(), writer.whenReady()]);
    const nothing = await reader.redis.command(['XREAD', 'BLOCK', 1000, 'STREAMS', 'log', '$'], { timeoutMs: 1000 + 2000 });
    assert.equal(nothing, null);
    assert.equal(reader.downs.length, 0);

    const read = reader.redis.command(['XREAD', 'BLOCK', 5000, 'STREAMS', 'log', '$'], { timeoutMs: 5000 + 2000 });
    while (!/blocked_clients:1/.test(await rawCommand(redis.port, ['INFO', 'clients'])));
    const id = await writer.command(['XADD', 'log', '*', 'type', 'message', 'text', 'hi\r\nthere']);
    assert.deepEqual(await read, [['log', [[id, ['type', 'message', 'text', 'hi\r\nthere']]]]]);
    assert.equal(reader.downs.length, 0);
    await Promise.all([reader.redis.close(), writer.close()]);
  });
});

describe('AUTH', () => {
  test('the right password, with or without a user name', T, async () => {
    const redis = await server({ password: 'p@ss word' });
    const plain = open(`redis://:p%40ss%20word@127.0.0.1:${redis.port}/4`).redis;
    const withUser = open(`redis://default:p%40ss%20word@127.0.0.1:${redis.port}`).redis;
    await Promise.all([plain.whenReady(), withUser.whenReady()]);
    assert.equal(await plain.command(['PING']), 'PONG');
    assert.match(String(await plain.command(['CLIENT', 'INFO'])), / db=4 .* user=default /);
    assert.equal(await withUser.command(['PING']), 'PONG');
    await Promise.all([plain.close(), withUser.close()]);
  });

  test('a wrong password: down once with WRONGPASS, retries, recovers when the password becomes right', T, async () => {
    const redis = await server({ password: 'right' });
    const client = open(`redis://:wrong@127.0.0.1:${redis.port}`);
    await reconnectAttempt(client.redis, 3);
    assert.equal(client.downs.length, 1, 'one down per outage, not per attempt');
    assert.ok(client.downs[0] instanceof RedisReplyError);
    assert.equal(client.downs[0].code, 'WRONGPASS');
    await assert.rejects(client.redis.command(['PING']), RedisUnavailableError);
    await rawCommand(redis.port, ['CONFIG', 'SET', 'requirepass', 'wrong'], { password: 'right' });
    await client.redis.whenReady();
    assert.equal(await client.redis.command(['PING']), 'PONG');
    await client.redis.close();
  });

  test('no password where one is required: down with NOAUTH', T, async () => {
    const redis = await server({ password: 'right' });
    const client = open(redis.url);
    await once(client.redis, 'down');
    assert.equal((client.downs[0] as RedisReplyError).code, 'NOAUTH');
    await client.redis.close();
  });
});

describe('outages', () => {
  test('restart: down once, ready again, SELECT applied again', T, async () => {
    const redis = await server();
    const client = open(`${redis.url}/3`);
    await client.redis.whenReady();
    await client.redis.command(['SET', 'before', '1']);
    await redis.kill();
    await reconnectAttempt(client.redis, 3); // several failed attempts while nothing listens
    assert.ok(client.attempts.every((info) => info.delayMs <= 2000), 'never more than 2 s between attempts');
    servers.push(await startRedis({ port: redis.port }));
    await client.redis.whenReady();
    assert.equal(client.downs.length, 1);
    assert.equal(client.readies, 2);
    assert.match(String(await client.redis.command(['CLIENT', 'INFO'])), / db=3 /);
    assert.equal(await client.redis.command(['GET', 'before']), null, 'the restarted server is empty');
    await client.redis.close();
  });

  test('a stall (SIGSTOP) is detected by the PING deadline; commands are refused meanwhile; resume → ready', T, async (t) => {
    const redis = await server();
    const pingIntervalMs = 200;
    const stallTimeoutMs = 1000;
    const client = open(redis.url, { pingIntervalMs, stallTimeoutMs, connectTimeoutMs: 1000 });
    await client.redis.whenReady();
    const stalledAt = performance.now();
    redis.pause();
    await once(client.redis, 'down');
    const detectedMs = performance.now() - stalledAt;
    t.diagnostic(`stall detected after ${Math.round(detectedMs)} ms (ping every ${pingIntervalMs} ms, stall timeout ${stallTimeoutMs} ms)`);
    assert.ok(detectedMs < pingIntervalMs + stallTimeoutMs + 2000, `detected after ${detectedMs} ms`);
    assert.match(client.downs[0]!.message, /did not answer PING/);
    const refused = await client.redis.command(['PING']).catch((error: unknown) => error);
    assert.ok(refused instanceof RedisUnavailableError);
    assert.equal(refused.maybeExecuted, false);
    redis.resume();
    await client.redis.whenReady();
    assert.equal(client.downs.length, 1);
    assert.equal(await client.redis.command(['PING']), 'PONG');
    await client.redis.close();
  });

  test('a command in flight when the link breaks is rejected, never resent', T, async () => {
    const redis = await server();
    const client = open(redis.url, { stallTimeoutMs: 1000 });
    await client.redis.whenReady();
    assert.equal(await client.redis.command(['INCR', 'counter']), 1);

    // Stall, then resume: Redis may run the INCR it had buffered, but once only.
    redis.pause();
    const stalled = await client.redis.command(['INCR', 'counter']).catch((error: unknown) => error);
    assert.ok(stalled instanceof RedisUnavailableError);
    assert.equal(stalled.maybeExecuted, true);
    redis.resume();
    await client.redis.whenReady();
    const afterStall = Number(await client.redis.command(['GET', 'counter']));
    assert.ok(afterStall === 1 || afterStall === 2, `counter ${afterStall}`);

    // In flight, then Redis is killed and restarts empty: a resend would set it to 1.
    redis.pause();
    const inFlight = client.redis.command(['INCR', 'counter']).catch((error: unknown) => error);
    await redis.restart();
    const lost = await inFlight;
    assert.ok(lost instanceof RedisUnavailableError && lost.maybeExecuted);
    await client.redis.whenReady();
    assert.equal(await client.redis.command(['GET', 'counter']), null);
    await client.redis.close();
  });

  test('Redis unreachable at start: down once, then ready when it appears', T, async () => {
    const redis = await server();
    const port = redis.port;
    await redis.stop();
    const client = open(`redis://127.0.0.1:${port}`);
    await reconnectAttempt(client.redis, 2);
    assert.equal(client.downs.length, 1);
    servers.push(await startRedis({ port }));
    await client.redis.whenReady();
    assert.equal(client.downs.length, 1);
    await client.redis.close();
  });

  test('a server that accepts but never answers hits the connect timeout', T, async () => {
    const redis = await server();
    redis.pause(); // the kernel still completes the TCP handshake
    const client = open(redis.url, { connectTimeoutMs: 300 });
    const [error] = await once(client.redis, 'down') as [Error];
    assert.match(error.message, /within 300 ms/);
    redis.resume();
    await client.redis.whenReady();
    await client.redis.close();
  });
});

describe('rediss:// (TLS)', () => {
  test('verifies the certificate and works like redis://', T, async () => {
    const tlsDir = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const tlsPort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    await server({ extraArgs: ['--tls-port', String(tlsPort), '--tls-cert-file', `${tlsDir}cert.pem`,
      '--tls-key-file', `${tlsDir}key.pem`, '--tls-auth-clients', 'no'] });
    const client = open(`rediss://127.0.0.1:${tlsPort}/1`, { tlsOptions: { ca: readFileSync(`${tlsDir}cert.pem`) } }).redis;
    await client.whenReady();
    assert.match(String(await client.command(['CLIENT', 'INFO'])), / db=1 /);
    const untrusted = open(`rediss://127.0.0.1:${tlsPort}`);
    const [error] = await once(untrusted.redis, 'down') as [Error];
    assert.match(error.message, /self.signed|certificate/i);
    await Promise.all([client.close(), untrusted.redis.close()]);
  });
});

describe('close()', () => {
  const script = (url: string, mode: string) => `
    import { RedisConnection } from ${JSON.stringify(fileURLToPath(new URL('../../lib/redis/index.ts', import.meta.url)))};
    const redis = new RedisConnection(${JSON.stringify(url)}, { pingIntervalMs: 10 }).connect();
    if (${JSON.stringify(mode)} === 'ready') { await redis.whenReady(); await redis.command(['PING']); }
    else await new Promise((resolve) => redis.once('reconnecting', resolve));
    const pending = redis.command(['PING']).catch(() => 'rejected');
    await redis.close();
    console.log(await pending);
  `;

  for (const mode of ['ready', 'reconnecting']) {
    test(`leaves no handles: a process exits by itself after close() (${mode})`, T, async () => {
      const redis = await server();
      const url = mode === 'ready' ? redis.url : `redis://127.0.0.1:${redis.port}`;
      if (mode !== 'ready') await redis.stop();
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(url, mode)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk) => { output += chunk; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code, signal] = await once(child, 'exit');
      clearTimeout(timer);
      assert.deepEqual([code, signal], [0, null], 'exited on its own');
      assert.equal(output.trim(), 'rejected');
    });
  }
});

describe('parseRedisUrl', () => {
  test('the forms of the contract', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6379/0'), { host: '127.0.0.1', port: 6379, db: 0, tls: false });
    assert.deepEqual(parseRedisUrl('redis://cache'), { host: 'cache', port: 6379, db: 0, tls: false });
    assert.deepEqual(parseRedisUrl('redis://:p%40ss@cache:7000/'), { host: 'cache', port: 7000, db: 0, tls: false, password: 'p@ss' });
    assert.deepEqual(parseRedisUrl('redis://us%C3%A9r:pw@[::1]:7000/15'), { host: '::1', port: 7000, db: 15, tls: false, username: 'usér', password: 'pw' });
    assert.deepEqual(parseRedisUrl('rediss://cache/2'), { host: 'cache', port: 6379, db: 2, tls: true });
  });

  test('clear errors, without the password', () => {
    for (const bad of ['not a url', 'http://cache', 'redis://cache/x', 'redis://cache/1/2', 'redis://cache/-1', 'redis://', 'redis://cache:0',
      'redis://cache:70000', 'redis://user@cache', 'redis://cache?db=1', 'redis://:p%zz@cache', 'redis://:secret@cache/x', 'redis://u:secret@cache:99999']) {
      assert.throws(() => parseRedisUrl(bad), (error: Error) => error instanceof RedisUrlError && !error.message.includes('secret'), bad);
    }
  });
});
