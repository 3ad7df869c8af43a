/**
 * Names, welcome and history across processes (cluster contract, "One chat
 * across processes"): dedup under joins of one name at the same moment on
 * every process, history exactly once for joins in flight, expiry, and an
 * emptied topic that leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import { clientPool, eventually, framesUntil, listCounts, seededRandom, startCluster, who, type Cluster, type ServerProcess } from '../helpers/cluster.ts';
import { rawCommand } from '../helpers/redis-server.ts';

const T = { timeout: 30_000 };

const messageIds = (frames: Frame[]): number[] => frames.filter((f) => f.type === 'message').map((f) => f.id as number);

describe('cluster: names, welcome and history', () => {
  const pool = clientPool();
  const starts = new Map<string, Promise<Cluster>>();
  const cluster = async (key: string, args: string[] = []): Promise<Cluster> => {
    if (!starts.has(key)) starts.set(key, startCluster({ processes: 3, args }));
    return starts.get(key)!;
  };
  const three = async (): Promise<ServerProcess[]> => (await cluster('main')).processes;
  after(async () => {
    pool.destroyAll();
    for (const started of starts.values()) await (await started.catch(() => undefined))?.stop();
  });

  it('dedups names case-insensitively against every process, also for /join', T, async () => {
    const [p1, p2, p3] = await three();
    const [a, b, c, mover] = await Promise.all([p1!, p2!, p3!, p1!].map((p) => pool.open(p)));
    assert.equal((await join(a!, 'alice', 'dedup')).username, 'alice');
    assert.equal((await join(b!, 'ALICE', 'dedup')).username, 'ALICE#2');
    assert.equal((await join(c!, 'Alice', 'dedup')).username, 'Alice#3');
    await join(mover!, 'alice', 'dedup-start');
    mover!.send('/join dedup');
    const welcome = await mover!.next('welcome');
    assert.equal(welcome.username, 'alice#4');
    assert.deepEqual([...(welcome.users as string[])].sort(), ['ALICE#2', 'Alice#3', 'alice', 'alice#4']);
  });

  it('no two connections ever hold one name: joins of the same name at the same moment on every process, many rounds', T, async (t) => {
    const processes = await three();
    const random = seededRandom(11);
    t.diagnostic(`seed ${random.seed} (SEED=random for a new one)`);
    const perProcess = await Promise.all(processes.map(async (p) => Promise.all([0, 1, 2].map(() => pool.open(p)))));
    for (let round = 0; round < 25; round++) {
      const topic = `race-${round}`;
      const racers: ChatTestClient[] = perProcess.flatMap((clients) => clients.slice(0, 1 + random.int(3)));
      const spellings = ['sam', 'Sam', 'SAM', 'sAm'];
      for (const racer of racers) racer.send({ username: spellings[random.int(spellings.length)]!, topic });
      const welcomes = await Promise.all(racers.map((r) => r.next('welcome', 5000)));
      const names = welcomes.map((w) => w.username as string);
      const folded = names.map((n) => n.toLowerCase()).sort();
      const expected = racers.map((_, i) => (i === 0 ? 'sam' : `sam#${i + 1}`)).sort();
      assert.deepEqual(folded, expected, `round ${round}: unique names with the lowest free suffixes, got ${names.join(', ')}`);
      // /who lists a user no later than the asker got their joined: wait for those first.
      const asker = racers[0]!;
      const later = names.filter((n) => !(welcomes[0]!.users as string[]).includes(n));
      await framesUntil(asker, 'joined for the later racers', 3000, (f) => later.every((n) => f.some((j) => j.type === 'joined' && j.topic === topic && j.username === n)));
      assert.deepEqual(await who(asker), [...names].sort(), `round ${round}: /who agrees`);
      for (const racer of racers) racer.send('/leave');
      for (const [i, racer] of racers.entries()) {
        await framesUntil(racer, 'own left', 5000, (f) => f.some((x) => x.type === 'left' && x.username === names[i] && x.topic === topic));
      }
    }
  });

  it('welcome lists every user of the topic and the history from every process, oldest first, in message shape', T, async () => {
    const [p1, p2, p3] = await three();
    const a = await pool.open(p1!);
    const b = await pool.open(p2!);
    const c = await pool.open(p3!);
    await join(a, 'first', 'welcome');
    a.send({ message: 'from process one' });
    const ack1 = await a.next('ack');
    await join(b, 'second', 'welcome');
    b.send({ message: 'from process two' });
    const ack2 = await b.next('ack');
    const welcome = await join(c, 'third', 'welcome');
    assert.deepEqual([...(welcome.users as string[])].sort(), ['first', 'second', 'third']);
    const history = welcome.history as Frame[];
    assert.deepEqual(history.map((m) => m.id), [ack1.id, ack2.id]);
    assert.deepEqual(history.map((m) => [m.type, m.topic, m.username, m.message]), [
      ['message', 'welcome', 'first', 'from process one'],
      ['message', 'welcome', 'second', 'from process two'],
    ]);
    assert.deepEqual(history.map((m) => m.timestamp), [ack1.timestamp, ack2.timestamp]);
  });

  it('history exactly once: messages sent while joins are in flight arrive in history or live, never both, never neither', T, async (t) => {
    const [p1, p2, p3] = await three();
    const random = seededRandom(23);
    t.diagnostic(`seed ${random.seed}`);
    for (let round = 0; round < 3; round++) {
      const topic = `once-${round}`;
      const keeper = await pool.open(p1!);
      const writer = await pool.open(p2!);
      await join(keeper, 'keeper', topic);
      await join(writer, 'writer', topic);
      const joiners = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => pool.open([p1!, p3!, p2!][i % 3]!)));
      const total = 120;
      const joinAt = joiners.map(() => random.int(total));
      for (let n = 0; n < total; n++) {
        writer.send({ message: `m${n}` });
        for (const [i, joiner] of joiners.entries()) if (joinAt[i] === n) joiner.send({ username: `joiner${i}`, topic });
      }
      await framesUntil(writer, 'every ack', 10_000, (f) => f.filter((x) => x.type === 'ack').length === total);
      const welcomes = await Promise.all(joiners.map((j) => j.next('welcome', 5000)));
      // A last message behind everything: once a joiner has it, nothing older is still on its way.
      writer.send({ message: 'end' });
      await framesUntil(writer, 'the end ack', 5000, (f) => f.filter((x) => x.type === 'ack').length === total + 1);
      const all = writer.frames.filter((f) => f.type === 'ack').map((f) => f.id as number);
      for (const [i, joiner] of joiners.entries()) {
        await framesUntil(joiner, 'the end message', 5000, (f) => f.some((x) => x.type === 'message' && x.message === 'end'));
        const history = (welcomes[i]!.history as Frame[]).map((m) => m.id as number);
        const live = messageIds(joiner.frames.slice(joiner.frames.indexOf(welcomes[i]!) + 1));
        assert.deepEqual([...history, ...live], all, `round ${round}, joiner ${i} (joined at m${joinAt[i]}): history ${history.length}, live ${live.length}`);
      }
      for (const client of [keeper, writer, ...joiners]) client.send('/quit');
    }
  });

  it('an emptied topic leaves /list everywhere within 1 s; a later joiner on another process gets an empty history; no key of it stays in Redis', T, async () => {
    const c = await cluster('main');
    const [p1, p2, p3] = c.processes;
    const a = await pool.open(p1!);
    const b = await pool.open(p2!);
    const lobby = await pool.open(p3!);
    await join(a, 'a', 'emptied-zq7');
    await join(b, 'b', 'emptied-zq7');
    a.send({ message: 'kept while someone is here' });
    await b.next('message');
    a.send('/leave');
    b.destroy();
    await eventually('the topic left /list', 1500, async () => !('emptied-zq7' in (await listCounts(lobby))));
    const welcome = await join(lobby, 'later', 'emptied-zq7');
    assert.deepEqual(welcome.history, []);
    lobby.send('/leave');
    await lobby.next('left');
    await eventually('no Redis key named after the topic', 1500, async () => {
      return (await rawCommand(c.redis.port, ['KEYS', '*emptied-zq7*'])) === '*0\r\n';
    });
  });

  it('expiry: a message leaves history on every process --message-ttl seconds after it was accepted', T, async () => {
    const [p1, p2, p3] = (await cluster('ttl', ['--message-ttl', '1'])).processes;
    const writer = await pool.open(p1!);
    const reader = await pool.open(p2!);
    await join(writer, 'writer', 'expiry');
    writer.send({ message: 'short-lived' });
    await writer.next('ack');
    const acceptedAt = Date.now();
    const early = await join(reader, 'reader', 'expiry');
    assert.equal(early.messageTtl, 1);
    assert.deepEqual((early.history as Frame[]).map((m) => m.message), ['short-lived']);
    assert.ok((await p2!.health()).storedMessages >= 1);

    const probe = await pool.open(p3!);
    await eventually('history empty for a new joiner on a third process', 3000, async () => {
      const welcome = await join(probe, 'probe', 'expiry');
      probe.send('/leave');
      await probe.next('left');
      return (welcome.history as Frame[]).length === 0;
    });
    assert.ok(Date.now() - acceptedAt < 3000);
    for (const p of [p1!, p2!]) await eventually('storedMessages 0', 1500, async () => (await p.health()).storedMessages === 0);
  });
});
