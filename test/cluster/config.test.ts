/**
 * Turning cluster mode on (cluster contract, "Turning it on" and "Health and
 * metrics"): URL checks, database isolation, and a server that listens while
 * Redis is down and joins the cluster when Redis comes up.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from '../helpers/chat-client.ts';
import { clientPool, eventually, freePort, listCounts, runServerToExit, spawnServer, startCluster, type Cluster } from '../helpers/cluster.ts';
import { startRedis } from '../helpers/redis-server.ts';

const T = { timeout: 20_000 };

describe('cluster: turning it on', () => {
  const pool = clientPool();
  const clusters: Cluster[] = [];
  after(async () => {
    pool.destroyAll();
    await Promise.all(clusters.map((c) => c.stop()));
  });

  for (const bad of ['redis://127.0.0.1/abc', 'http://127.0.0.1:6379/0', 'garbage', 'redis://127.0.0.1:6379/0/1']) {
    it(`exits with code 2 and a clear message for --redis ${bad}`, T, async () => {
      const { code, output } = await runServerToExit(['--port', '0', '--host', '127.0.0.1', '--redis', bad], {}, 5000);
      assert.equal(code, 2, output);
      // The message is about the URL (not an unknown flag).
      assert.match(output, /url/i);
      assert.doesNotMatch(output, /unknown option/i);
      assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
    });
  }

  it('exits with code 2 for a bad REDIS_URL as well', T, async () => {
    const { code, output } = await runServerToExit(['--port', '0', '--host', '127.0.0.1'], { REDIS_URL: 'redis://127.0.0.1/abc' }, 5000);
    assert.equal(code, 2, output);
    assert.match(output, /url/i);
  });

  it('without --redis, /healthz has no redis field', T, async () => {
    const server = await spawnServer({ env: { REDIS_URL: '' } });
    try {
      const health = await server.health();
      assert.equal(health.status, 'ok');
      assert.equal('redis' in health, false);
      assert.doesNotMatch(await server.metrics(), /chat_redis_up/);
    } finally {
      await server.kill();
    }
  });

  it('an empty --redis means one process, exactly as without it', T, async () => {
    const server = await spawnServer({ redis: '', waitForRedisOk: false });
    try {
      assert.equal('redis' in (await server.health()), false);
    } finally {
      await server.kill();
    }
  });

  it('reports redis ok in /healthz; REDIS_URL works like --redis', T, async () => {
    const cluster = await startCluster({ processes: 1 });
    clusters.push(cluster);
    const viaEnv = await spawnServer({ env: { REDIS_URL: cluster.redisUrl } });
    cluster.processes.push(viaEnv);
    await viaEnv.waitForRedis('ok');
    const [first] = cluster.processes;
    const health = await first!.health();
    assert.equal(health.status, 'ok');
    assert.equal(health.redis, 'ok');
    // The process started through REDIS_URL is a member of the same cluster.
    const a = await pool.open(first!);
    const b = await pool.open(viaEnv);
    await join(a, 'envuser', 'via-env');
    await eventually('/list on the other process', 1500, async () => (await listCounts(b))['via-env'] === 1);
  });

  it('/metrics has the gauge chat_redis_up: 0 while Redis is down, 1 when ok', T, async () => {
    const port = await freePort();
    const server = await spawnServer({ redis: `redis://127.0.0.1:${port}/0`, waitForRedisOk: false });
    try {
      assert.equal((await server.health()).redis, 'down');
      assert.match(await server.metrics(), /^chat_redis_up 0$/m);
      const redis = await startRedis({ port });
      try {
        await server.waitForRedis('ok', 8000);
        assert.match(await server.metrics(), /^chat_redis_up 1$/m);
      } finally {
        await redis.kill();
      }
    } finally {
      await server.kill();
    }
  });

  it('a process on database 1 shares nothing with the processes on database 0', T, async () => {
    const cluster = await startCluster({ processes: 2, db: 0 });
    clusters.push(cluster);
    const other = await cluster.add({ redis: `${cluster.redis.url}/1` });
    const [p1, p2] = cluster.processes;
    const a = await pool.open(p1!);
    const b = await pool.open(p2!);
    const c = await pool.open(other);
    await join(a, 'dana', 'isolated');
    await join(b, 'eli', 'isolated');
    await a.next('joined');
    // Same topic and same name on database 1: a separate chat.
    const welcome = await join(c, 'dana', 'isolated');
    assert.equal(welcome.username, 'dana', 'no dedup against another database');
    assert.deepEqual(welcome.users, ['dana']);
    assert.deepEqual(welcome.history, []);
    assert.deepEqual(await listCounts(c), { isolated: 1 });
    assert.deepEqual(await listCounts(a), { isolated: 2 });

    a.send({ message: 'for database 0 only' });
    assert.equal((await a.next('ack')).recipients, 1);
    assert.equal((await b.next('message')).message, 'for database 0 only');
    c.send({ message: 'for database 1 only' });
    assert.equal((await c.next('ack')).recipients, 0);
    // Round trip on database 0 behind it, then nothing of database 1 arrived there.
    b.send({ message: 'round trip' });
    await a.next('message');
    c.send('/who');
    assert.deepEqual((await c.next('users')).users, ['dana']);
    assert.equal(a.frames.some((f) => f.type === 'joined' && f.username === 'dana'), false);
    assert.equal(a.frames.some((f) => f.message === 'for database 1 only'), false);
    assert.equal(b.frames.some((f) => f.message === 'for database 1 only'), false);
    assert.equal(c.frames.some((f) => f.message === 'for database 0 only' || f.type === 'joined'), false);
  });

  it('listens while Redis is down: redis "down", joins refused with unavailable; then Redis starts and it is ok', { ...T, timeout: 30_000 }, async () => {
    const port = await freePort();
    const server = await spawnServer({ redis: `redis://127.0.0.1:${port}/0`, waitForRedisOk: false });
    try {
      const health = await server.health();
      assert.equal(health.status, 'ok');
      assert.equal(health.redis, 'down');
      const client = await pool.open(server);
      client.send({ username: 'early', topic: 'waiting' });
      const refused = await client.next('error', 12_000);
      assert.equal(refused.code, 'unavailable');
      // The connection stays open and answers local commands.
      client.send('/help');
      assert.equal((await client.next('help')).type, 'help');

      // Redis appears on that port: reconnect (backoff capped at 2 s) plus recovery (5 s).
      const redis = await startRedis({ port });
      try {
        await server.waitForRedis('ok', 8000);
        const welcome = await join(client, 'early', 'waiting');
        assert.equal(welcome.username, 'early');
        // One line when Redis went down and one when it was back: not one per attempt.
        const redisLines = server.log.filter((line) => /redis/i.test(line) && !/listening/.test(line));
        assert.ok(redisLines.length <= 4, `a few log lines about Redis, not one per attempt:\n${redisLines.join('\n')}`);
      } finally {
        await server.kill();
        await redis.kill();
      }
    } finally {
      await server.kill();
    }
  });
});
