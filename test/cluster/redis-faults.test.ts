/**
 * Redis unavailable (cluster contract, "Redis unavailable"), for real: a
 * redis-server stalled with SIGSTOP and resumed, and one killed and started
 * again empty on the same port. Bounds are upper bounds with some slack.
 * The two tests run at once, each on its own Redis and processes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, type ChatTestClient } from '../helpers/chat-client.ts';
import { clientPool, closedWithin, eventually, framesUntil, listCounts, startCluster, who, type Cluster } from '../helpers/cluster.ts';

const T = { timeout: 45_000 };

const namesIn = (client: ChatTestClient, type: 'left' | 'joined', fromIndex: number): string[] =>
  client.frames.slice(fromIndex).filter((f) => f.type === type).map((f) => f.username as string);

describe('cluster: Redis unavailable', { concurrency: true }, () => {
  const pool = clientPool();
  const clusters: Cluster[] = [];
  after(async () => {
    pool.destroyAll();
    await Promise.all(clusters.map((c) => c.stop()));
  });

  it('a stalled Redis (SIGSTOP): down within 10 s, writes refused with unavailable, connections kept, no left/joined burst, normal within 5 s of SIGCONT', T, async () => {
    const cluster = await startCluster({ processes: 2 });
    clusters.push(cluster);
    const [p1, p2] = cluster.processes;
    const [a, local] = await Promise.all([p1!, p1!].map((p) => pool.open(p)));
    const b = await pool.open(p2!);
    for (const [client, name] of [[a, 'a'], [local!, 'local'], [b, 'b']] as const) await join(client, name, 'stall');
    await framesUntil(a, 'a saw everyone', 3000, (f) => f.filter((x) => x.type === 'joined').length === 2);
    await framesUntil(local!, 'local saw b', 3000, (f) => f.some((x) => x.type === 'joined' && x.username === 'b'));
    const marks = new Map([a, local!, b].map((c) => [c, c.frames.length]));

    const stalledAt = Date.now();
    cluster.redis.pause();
    a.send({ message: 'during the stall', ref: 'stalled' });
    const refused = await a.next('error', 12_000);
    assert.equal(refused.code, 'unavailable');
    assert.equal(local!.frames.some((f) => f.message === 'during the stall'), false, 'never delivered to its own process only');
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('down', Math.max(500, 12_000 - (Date.now() - stalledAt)))));
    assert.equal((await p1!.health()).status, 'ok', 'status stays ok');
    // Local service goes on.
    a.send('/help');
    await a.next('help');
    b.send({ message: 'from the other side' });
    assert.equal((await b.next('error', 12_000)).code, 'unavailable');

    cluster.redis.resume();
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('ok', 7000)));
    a.send({ message: 'after the stall', ref: 'after' });
    await framesUntil(a, 'the ack after the stall', 3000, (f) => f.some((x) => x.type === 'ack' && x.ref === 'after'));
    assert.equal(a.frames.find((x) => x.type === 'ack' && x.ref === 'after')!.recipients, 2);
    await framesUntil(b, 'chat again', 3000, (f) => f.some((m) => m.message === 'after the stall'));

    for (const [name, client] of [['a', a], ['local', local!], ['b', b]] as const) {
      assert.equal(await closedWithin(client, 0), undefined, 'connections stay open');
      assert.deepEqual(namesIn(client, 'joined', marks.get(client)!), [], `no joined burst at ${name}`);
      assert.deepEqual(namesIn(client, 'left', marks.get(client)!), [], `no left burst at ${name}`);
      const copies = client.frames.filter((f) => f.message === 'during the stall').length;
      assert.ok(copies <= 1, 'a refused message is delivered at most once');
    }
    // It may still have been delivered (at most once, above), but `unavailable` means not acknowledged.
    assert.equal(a.frames.some((f) => f.type === 'ack' && f.ref === 'stalled'), false, 'no ack after unavailable');
    assert.deepEqual(await who(b), ['a', 'b', 'local']);
  });

  it('Redis restarted empty: users keep names and topics, nobody gets left/joined, chat works within 5 s, new ids above old ones', T, async () => {
    const cluster = await startCluster({ processes: 2 });
    clusters.push(cluster);
    const [p1, p2] = cluster.processes;
    const a = await pool.open(p1!);
    const [b, c] = await Promise.all([p2!, p2!].map((p) => pool.open(p)));
    for (const [client, name] of [[a, 'a'], [b!, 'b'], [c!, 'c']] as const) await join(client, name, 'restart');
    await framesUntil(a, 'a saw everyone', 3000, (f) => f.filter((x) => x.type === 'joined').length === 2);
    let highest = 0;
    for (let n = 0; n < 3; n++) {
      b!.send({ message: `before ${n}` });
      highest = Math.max(highest, (await b!.next('ack')).id as number);
    }
    const marks = new Map([a, b!, c!].map((client) => [client, client.frames.length]));

    await cluster.redis.restart();
    const restartedAt = Date.now();
    // Reconnect (backoff at most 2 s) and recovery (5 s), with slack.
    const recovery = (): number => Math.max(500, 8000 - (Date.now() - restartedAt));
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('ok', recovery())));
    // Within the recovery bound a message may still miss someone; after it, none may.
    let probe = 0;
    await eventually('cross-process chat again', recovery(), async () => {
      const text = `after the restart ${probe++}`;
      a.send({ message: text, ref: text });
      try {
        await framesUntil(a, 'an ack', 2000, (f) => f.some((x) => x.type === 'ack' && x.ref === text));
        for (const client of [b!, c!]) await framesUntil(client, 'the probe', 500, (f) => f.some((m) => m.message === text));
        return true;
      } catch {
        return false;
      }
    });
    a.send({ message: 'after the recovery', ref: 'last' });
    await framesUntil(a, 'the ack', 3000, (f) => f.some((x) => x.type === 'ack' && x.ref === 'last'));
    const acks = a.frames.filter((f) => f.type === 'ack');
    assert.ok(acks.every((x) => (x.id as number) > highest), `ids ${acks.map((x) => x.id).join(', ')} above ${highest}`);
    assert.equal(acks.at(-1)!.recipients, 2);
    for (const client of [b!, c!]) await framesUntil(client, 'chat after recovery', 3000, (f) => f.some((m) => m.message === 'after the recovery'));

    assert.deepEqual(await who(b!), ['a', 'b', 'c']);
    assert.deepEqual(await who(a), ['a', 'b', 'c']);
    const newcomer = await pool.open(p2!);
    assert.equal((await join(newcomer, 'A', 'restart')).username, 'A#2', 'dedup knows the users who stayed');
    for (const client of [a, b!, c!]) await framesUntil(client, 'joined A#2', 3000, (f) => f.some((j) => j.type === 'joined' && j.username === 'A#2'));
    assert.deepEqual(await listCounts(a), { restart: 4 });
    for (const client of [a, b!, c!]) {
      assert.equal(await closedWithin(client, 0), undefined);
      assert.deepEqual(namesIn(client, 'joined', marks.get(client)!), ['A#2'], 'no joined burst');
      assert.deepEqual(namesIn(client, 'left', marks.get(client)!), [], 'no left burst');
    }
  });

  it('users who leave while Redis is away: left at once on their own process, on the others after recovery', T, async () => {
    const cluster = await startCluster({ processes: 2 });
    clusters.push(cluster);
    const [p1, p2] = cluster.processes;
    const [a, dropper, leaver] = await Promise.all([p1!, p1!, p1!].map((p) => pool.open(p)));
    const b = await pool.open(p2!);
    for (const [client, name] of [[a, 'a'], [dropper!, 'dropper'], [leaver!, 'leaver'], [b, 'b']] as const) await join(client, name, 'away');
    await framesUntil(a, 'a saw everyone', 3000, (f) => f.filter((x) => x.type === 'joined').length === 3);

    await cluster.redis.kill();
    dropper!.destroy();
    leaver!.send('/leave');
    await framesUntil(leaver!, '/leave answers at once', 2000, (f) => f.some((l) => l.type === 'left' && l.username === 'leaver'));
    await framesUntil(a, 'left at once on the same process', 2000, (f) => ['dropper', 'leaver'].every((n) => f.some((l) => l.type === 'left' && l.username === n)));
    await cluster.redis.restart();
    const restartedAt = Date.now();
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('ok', 8000)));
    await framesUntil(b, 'left for both after recovery', Math.max(500, 8000 - (Date.now() - restartedAt)), (f) =>
      ['dropper', 'leaver'].every((n) => f.some((l) => l.type === 'left' && l.username === n)));
    // Names and counts are right again within the recovery bound.
    await eventually('/who and /list right again on the other process', Math.max(500, 8000 - (Date.now() - restartedAt)), async () => {
      const names = await who(b);
      const counts = await listCounts(b);
      return names.join() === 'a,b' && counts.away === 2;
    });
  });

  it('an outage longer than the crash bound makes nobody declare anyone dead', { ...T, timeout: 60_000 }, async () => {
    const cluster = await startCluster({ processes: 2 });
    clusters.push(cluster);
    const [p1, p2] = cluster.processes;
    const a = await pool.open(p1!);
    const b = await pool.open(p2!);
    await join(a, 'a', 'long-outage');
    await join(b, 'b', 'long-outage');
    await a.next('joined');
    const marks = [a.frames.length, b.frames.length];

    cluster.redis.pause();
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('down', 12_000)));
    // The fault lasts longer than the 10 s after which a silent process counts as crashed.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    cluster.redis.resume();
    await Promise.all([p1!, p2!].map((p) => p.waitForRedis('ok', 7000)));
    a.send({ message: 'still here' });
    await framesUntil(b, 'chat again', 3000, (f) => f.some((m) => m.message === 'still here'));
    assert.equal((await a.next('ack')).recipients, 1);
    for (const [i, client] of [a, b].entries()) {
      assert.equal(await closedWithin(client, 0), undefined);
      assert.deepEqual(client.frames.slice(marks[i]).filter((f) => f.type === 'left' || f.type === 'joined'), [], 'no left or joined');
    }
    assert.deepEqual(await who(a), ['a', 'b']);
  });
});
