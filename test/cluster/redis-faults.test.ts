/**
 * Redis unavailable (cluster contract, "Redis unavailable"), for real: a
 * redis-server stalled with SIGSTOP and resumed, and one killed and started
 * again empty on the same port. Bounds are upper bounds with some slack.
 * The two tests run at once, each on its own Redis and processes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, type ChatTestClient } from '../helpers/chat-client.ts';
import { clientPool, closedWithin, framesUntil, listCounts, startCluster, who, type Cluster } from '../helpers/cluster.ts';

const T = { timeout: 45_000 };
const pending = { todo: 'cluster not landed' };

const namesIn = (client: ChatTestClient, type: 'left' | 'joined', fromIndex: number): string[] =>
  client.frames.slice(fromIndex).filter((f) => f.type === type).map((f) => f.username as string);

describe('cluster: Redis unavailable', { concurrency: true }, () => {
  const pool = clientPool();
  const clusters: Cluster[] = [];
  after(async () => {
    pool.destroyAll();
    await Promise.all(clusters.map((c) => c.stop()));
  });

  it('a stalled Redis (SIGSTOP): down within 10 s, writes refused with unavailable, connections kept, no left/joined burst, normal within 5 s of SIGCONT', { ...T, ...pending }, async () => {
    const cluster = await startCluster({ processes: 2 });
    clusters.push(cluster);
    const [p1, p2] = cluster.processes;
    const [a, local, leaver] = await Promise.all([p1!, p1!, p1!].map((p) => pool.open(p)));
    const b = await pool.open(p2!);
    for (const [client, name] of [[a!, 'a'], [local!, 'local'], [leaver!, 'leaver'], [b, 'b']] as const) await join(client, name, 'stall');
    await framesUntil(a!, 'a saw everyone', 3000, (f) => f.filter((x) => x.type === 'joined').length === 3);
    const marks = new Map([a!, local!, leaver!, b].map((c) => [c, c.frames.length]));

    const stalledAt = Date.now();
    cluster.redis.pause();
    a!.send({ message: 'during the stall', ref: 'stalled' });
    const refused = await a!.next('error', 12_000);
    assert.equal(refused.code, 'unavailable');
    assert.equal(local!.frames.some((f) => f.message === 'during the stall'), false, 'never delivered to its own process only');
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('down', Math.max(500, 12_000 - (Date.now() - stalledAt)))));
    const health = await p1!.health();
    assert.equal(health.status, 'ok');
    assert.match(await p1!.metrics(), /^chat_redis_up 0$/m);
    // Local service goes on: /help, and /leave with left at once for the process's own users.
    a!.send('/help');
    await a!.next('help');
    leaver!.send('/leave');
    assert.equal((await local!.next('left', 2000)).username, 'leaver');
    b.send({ message: 'from the other side' });
    assert.equal((await b.next('error', 12_000)).code, 'unavailable');

    const resumedAt = Date.now();
    cluster.redis.resume();
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('ok', 7000)));
    // Users who left during the outage get left on the other processes after recovery.
    assert.equal((await b.next('left', Math.max(500, 7000 - (Date.now() - resumedAt)))).username, 'leaver');
    a!.send({ message: 'after the stall', ref: 'after' });
    const ack = await a!.next('ack', 3000);
    assert.equal(ack.ref, 'after');
    assert.equal(ack.recipients, 2);
    await framesUntil(b, 'chat again', 3000, (f) => f.some((m) => m.message === 'after the stall'));

    for (const client of [a!, local!, b]) {
      assert.equal(await closedWithin(client, 0), undefined, 'connections stay open');
      assert.deepEqual(namesIn(client, 'joined', marks.get(client)!), [], 'no joined burst');
      assert.deepEqual(namesIn(client, 'left', marks.get(client)!), ['leaver'], 'no left burst');
      const copies = client.frames.filter((f) => f.message === 'during the stall').length;
      assert.ok(copies <= 1, 'a refused message is delivered at most once');
    }
    assert.equal(a!.frames.some((f) => f.type === 'ack' && f.ref === 'stalled'), false, 'unavailable means not acknowledged');
    assert.deepEqual(await who(b), ['a', 'b', 'local']);
  });

  it('Redis restarted empty: users keep names and topics, nobody gets left/joined, chat works within 5 s, new ids above old ones', { ...T, ...pending }, async () => {
    const cluster = await startCluster({ processes: 2 });
    clusters.push(cluster);
    const [p1, p2] = cluster.processes;
    const [a, d] = await Promise.all([p1!, p1!].map((p) => pool.open(p)));
    const [b, c] = await Promise.all([p2!, p2!].map((p) => pool.open(p)));
    for (const [client, name] of [[a!, 'a'], [b!, 'b'], [c!, 'c'], [d!, 'd']] as const) await join(client, name, 'restart');
    await framesUntil(a!, 'a saw everyone', 3000, (f) => f.filter((x) => x.type === 'joined').length === 3);
    let highest = 0;
    for (let n = 0; n < 3; n++) {
      b!.send({ message: `before ${n}` });
      highest = Math.max(highest, (await b!.next('ack')).id as number);
    }
    const marks = new Map([a!, b!, c!].map((client) => [client, client.frames.length]));

    await cluster.redis.kill();
    // d disconnects during the outage: a (same process) hears at once, b and c after recovery.
    d!.destroy();
    assert.equal((await a!.next('left', 2000)).username, 'd');
    await cluster.redis.restart();
    const restartedAt = Date.now();

    // Reconnect (backoff at most 2 s) and recovery (5 s), with slack.
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('ok', 8000)));
    for (const client of [b!, c!]) {
      assert.equal((await client.next('left', Math.max(500, 8000 - (Date.now() - restartedAt)))).username, 'd');
    }
    a!.send({ message: 'after the restart' });
    const ack = await a!.next('ack', 3000);
    assert.ok((ack.id as number) > highest, `id ${ack.id} above ${highest}`);
    assert.equal(ack.recipients, 2);
    for (const client of [b!, c!]) await framesUntil(client, 'chat again', 3000, (f) => f.some((m) => m.message === 'after the restart'));

    assert.deepEqual(await who(b!), ['a', 'b', 'c']);
    assert.deepEqual(await who(a!), ['a', 'b', 'c']);
    const newcomer = await pool.open(p2!);
    assert.equal((await join(newcomer, 'A', 'restart')).username, 'A#2', 'dedup knows the users who stayed');
    for (const client of [a!, b!, c!]) await framesUntil(client, 'joined A#2', 3000, (f) => f.some((j) => j.type === 'joined' && j.username === 'A#2'));
    assert.deepEqual(await listCounts(a!), { restart: 4 });
    for (const client of [a!, b!, c!]) {
      assert.equal(await closedWithin(client, 0), undefined);
      assert.deepEqual(namesIn(client, 'joined', marks.get(client)!), ['A#2'], 'no joined burst');
      assert.deepEqual(namesIn(client, 'left', marks.get(client)!), ['d'], 'no left burst');
    }
  });
});
