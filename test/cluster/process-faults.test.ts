/**
 * Processes that stop (cluster contract, "Processes that stop"), for real:
 * SIGTERM, SIGKILL, and a process cut off from Redis by a TCP relay while
 * Redis is fine for the others. Each bound is asserted as an upper bound with
 * some slack. The tests run at once, each on its own Redis and processes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, type ChatTestClient } from '../helpers/chat-client.ts';
import { clientPool, closedWithin, eventually, framesUntil, listCounts, startCluster, who, type Cluster } from '../helpers/cluster.ts';
import { startTcpRelay, type TcpRelay } from '../helpers/tcp-relay.ts';

const T = { timeout: 45_000 };

const leftNames = (client: ChatTestClient): string[] => client.frames.filter((f) => f.type === 'left').map((f) => f.username as string);
const joinedNames = (client: ChatTestClient): string[] => client.frames.filter((f) => f.type === 'joined').map((f) => f.username as string);

describe('cluster: processes that stop', { concurrency: true }, () => {
  const pool = clientPool();
  const clusters: Cluster[] = [];
  const relays: TcpRelay[] = [];
  const start = async (processes: number): Promise<Cluster> => {
    const cluster = await startCluster({ processes });
    clusters.push(cluster);
    return cluster;
  };
  after(async () => {
    pool.destroyAll();
    await Promise.all(clusters.map((c) => c.stop()));
    await Promise.all(relays.map((r) => r.close()));
  });

  it('SIGTERM: close 1001 and exit 0 within 5 s; the others send left within 2 s and the names are free', T, async () => {
    const { processes: [p1, p2] } = await start(2);
    const alice = await pool.open(p1!);
    const solo = await pool.open(p1!);
    const bob = await pool.open(p2!);
    await join(alice, 'alice', 'term');
    await join(solo, 'solo', 'term-only-on-p1');
    await join(bob, 'bob', 'term');
    await alice.next('joined');
    assert.deepEqual(await listCounts(bob), { term: 2, 'term-only-on-p1': 1 });

    const stoppedAt = Date.now();
    const exit = p1!.term();
    const left = await bob.next('left', 2500);
    assert.deepEqual([left.username, left.topic], ['alice', 'term']);
    assert.equal((await alice.closed).code, 1001);
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.ok(Date.now() - stoppedAt < 6000, 'exit within 5 s');

    const again = await pool.open(p2!);
    assert.equal((await join(again, 'alice', 'term')).username, 'alice', 'the name is free');
    await eventually('the stopped process topic left /list', 1500, async () => !('term-only-on-p1' in (await listCounts(bob))));
  });

  it('SIGKILL: left for its users within 10 s, names free, /list updated, surviving connections undisturbed', T, async () => {
    const { processes: [p1, p2, victim] } = await start(3);
    const [s1, s2, calm1, calm2] = await Promise.all([p1!, p2!, p1!, p2!].map((p) => pool.open(p)));
    const [v1, v2] = await Promise.all([victim!, victim!].map((p) => pool.open(p)));
    await join(s1!, 's1', 'crash');
    await join(s2!, 's2', 'crash');
    await join(v1!, 'v1', 'crash');
    await join(v2!, 'v2', 'crash-solo');
    await join(calm1!, 'calm1', 'calm');
    await join(calm2!, 'calm2', 'calm');
    await framesUntil(s1!, 's1 saw s2 and v1', 3000, (f) => f.filter((x) => x.type === 'joined').length === 2);
    await calm1!.next('joined');

    const killedAt = Date.now();
    await victim!.kill();
    // Crash handling: within 10 s of the process's last contact with Redis.
    for (const survivor of [s1!, s2!]) {
      const left = await survivor.next('left', 12_000 - (Date.now() - killedAt));
      assert.deepEqual([left.username, left.topic], ['v1', 'crash']);
    }
    const replacement = await pool.open(p2!);
    assert.equal((await join(replacement, 'v1', 'crash')).username, 'v1', 'the name is free');
    await eventually('/list without the dead process users', Math.max(500, 12_000 - (Date.now() - killedAt)), async () => {
      const counts = await listCounts(s1!);
      return counts.crash === 3 && !('crash-solo' in counts);
    });
    s1!.send({ message: 'after the crash' });
    assert.equal((await s1!.next('ack')).recipients, 2);

    // The connections on the surviving processes never noticed.
    calm1!.send({ message: 'still calm' });
    assert.equal((await calm2!.next('message')).message, 'still calm');
    assert.equal((await calm1!.next('ack')).recipients, 1);
    assert.equal(await closedWithin(calm1!, 0), undefined);
    assert.equal(await closedWithin(calm2!, 0), undefined);
    assert.deepEqual([...leftNames(calm1!), ...leftNames(calm2!)], []);
    assert.deepEqual(joinedNames(calm2!), []);
  });

  it('a process cut off from Redis: others send left within 10 s; it keeps its connections; healed, it registers again and a user whose name was taken gets 1012', T, async () => {
    const cluster = await start(2);
    const [p1, p2] = cluster.processes;
    const relay = await startTcpRelay(cluster.redis.port);
    relays.push(relay);
    const island = await cluster.add({ redis: `redis://127.0.0.1:${relay.port}/0` });
    const [x, z] = await Promise.all([island, island].map((p) => pool.open(p)));
    const y = await pool.open(p1!);
    const w = await pool.open(p2!);
    await join(y, 'y', 'cut');
    await join(w, 'w', 'cut');
    await join(x!, 'x', 'cut');
    await join(z!, 'z', 'cut');
    for (const observer of [y, w]) await framesUntil(observer, 'x and z joined', 3000, (f) => ['x', 'z'].every((n) => f.some((j) => j.type === 'joined' && j.username === n)));

    // Cut: existing links go silent (nothing closed), new connections are refused.
    const cutAt = Date.now();
    relay.setRefusing(true);
    relay.blackholeAll();
    for (const observer of [y, w]) {
      await framesUntil(observer, 'left for x and z', Math.max(500, 12_000 - (Date.now() - cutAt)), (f) => {
        const left = f.filter((l) => l.type === 'left').map((l) => l.username);
        return left.includes('x') && left.includes('z');
      });
    }
    await island.waitForRedis('down', Math.max(500, 12_000 - (Date.now() - cutAt)));
    z!.send({ message: 'from the island' });
    assert.equal((await z!.next('error', 12_000)).code, 'unavailable');
    // Someone else takes x's name meanwhile.
    const usurper = await pool.open(p2!);
    assert.equal((await join(usurper, 'x', 'cut')).username, 'x');
    assert.equal(await closedWithin(x!, 0), undefined, 'the cut-off process keeps its connections');
    assert.equal(await closedWithin(z!, 0), undefined);

    const healedAt = Date.now();
    relay.setRefusing(false);
    // Reconnect (backoff at most 2 s) and recovery (5 s), with slack.
    await island.waitForRedis('ok', 10_000);
    const closed = await closedWithin(x!, Math.max(500, 10_000 - (Date.now() - healedAt)));
    assert.equal(closed?.code, 1012, 'the user whose name was taken is closed with 1012');
    assert.ok(closed!.reason.length > 0, 'with a reason');
    for (const observer of [y, w]) {
      await framesUntil(observer, 'joined again for z', Math.max(500, 10_000 - (Date.now() - healedAt)), (f) => f.filter((j) => j.type === 'joined' && j.username === 'z').length === 2);
    }
    assert.equal(await closedWithin(z!, 0), undefined);
    z!.send({ message: 'back from the island' });
    await framesUntil(y, 'chat from the healed process', 3000, (f) => f.some((m) => m.type === 'message' && m.message === 'back from the island'));
    await framesUntil(y, 'joined for the new x', 3000, (f) => f.filter((j) => j.type === 'joined' && j.username === 'x').length >= 2);
    assert.deepEqual(await who(y), ['w', 'x', 'y', 'z']);
  });
});
