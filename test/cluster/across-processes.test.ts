/**
 * The cluster contract's "One chat across processes" table over real sockets,
 * three processes of bin/server.js on one real Redis: broadcast, order, ack
 * recipients, presence, /who, /list, /dm and ids, each read cluster-wide.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import { clientPool, eventually, framesUntil, listCounts, startCluster, who, type Cluster, type ServerProcess } from '../helpers/cluster.ts';

const T = { timeout: 20_000 };

const messages = (client: ChatTestClient): Frame[] => client.frames.filter((f) => f.type === 'message');

describe('cluster: one chat across three processes', () => {
  const pool = clientPool();
  let started: Promise<Cluster> | undefined;
  // Started by the first test that needs it, so that a cluster that cannot
  // start fails each test instead of a hook.
  const cluster = async (): Promise<[ServerProcess, ServerProcess, ServerProcess]> => {
    started ??= startCluster({ processes: 3 });
    const [p1, p2, p3] = (await started).processes;
    return [p1!, p2!, p3!];
  };
  after(async () => {
    pool.destroyAll();
    if (started) await (await started.catch(() => undefined))?.stop();
  });

  it('broadcast reaches every other connection of the topic on every process within 1 s, never the sender or another topic', T, async () => {
    const [p1, p2, p3] = await cluster();
    const a = await pool.open(p1);
    const b = await pool.open(p2);
    const c = await pool.open(p3);
    const d = await pool.open(p1);
    const elsewhere1 = await pool.open(p2);
    const elsewhere2 = await pool.open(p3);
    for (const [client, name] of [[a, 'a'], [b, 'b'], [c, 'c'], [d, 'd']] as const) await join(client, name, 'broadcast');
    await join(elsewhere1, 'e1', 'broadcast-other');
    await join(elsewhere2, 'e2', 'broadcast-other');
    // Everyone has seen every join before the message goes out.
    await framesUntil(a, 'a saw b, c and d join', 3000, (f) => f.filter((x) => x.type === 'joined').length === 3);

    a.send({ message: 'hello everywhere', ref: 'h1' });
    for (const receiver of [b, c, d]) {
      const got = await receiver.next('message', 1500);
      assert.deepEqual([got.topic, got.username, got.message], ['broadcast', 'a', 'hello everywhere']);
    }
    const ack = await a.next('ack');
    assert.equal(ack.ref, 'h1');
    assert.equal(ack.recipients, 3);

    // Round trips behind it: b's message reaches a; e2's reaches e1.
    b.send({ message: 'back to a' });
    assert.equal((await a.next('message')).message, 'back to a');
    elsewhere2.send({ message: 'other topic' });
    assert.equal((await elsewhere1.next('message')).message, 'other topic');
    assert.equal(messages(a).some((f) => f.username === 'a'), false, 'never to the sender');
    assert.equal(elsewhere1.frames.some((f) => f.message === 'hello everywhere'), false, 'never to another topic');
    assert.equal(elsewhere2.frames.some((f) => f.message === 'hello everywhere' || f.message === 'back to a'), false);
  });

  it('order: every connection gets the topic messages in increasing id order, one conversation, each sender in send order', T, async () => {
    const processes = await cluster();
    const perSender = 40;
    const senders = await Promise.all(processes.map((p) => pool.open(p)));
    const observers = await Promise.all(processes.map((p) => pool.open(p)));
    for (const [i, s] of senders.entries()) await join(s, `sender${i}`, 'order');
    for (const [i, o] of observers.entries()) await join(o, `observer${i}`, 'order');
    await framesUntil(senders[0]!, 'everyone joined', 3000, (f) => f.filter((x) => x.type === 'joined').length === 5);

    // All three send at once, without waiting for acks.
    for (let n = 0; n < perSender; n++) for (const [i, s] of senders.entries()) s.send({ message: `s${i}-${n}` });
    const total = perSender * senders.length;
    for (const o of observers) await framesUntil(o, 'observer got every message', 10_000, () => messages(o).length >= total);
    for (const s of senders) await framesUntil(s, 'sender got every other message', 10_000, () => messages(s).length >= total - perSender);

    const conversation = messages(observers[0]!).map((f) => `${f.id} ${f.message}`);
    for (const o of observers) {
      const got = messages(o);
      assert.equal(got.length, total, 'no duplicates');
      assert.deepEqual(got.map((f) => `${f.id} ${f.message}`), conversation, 'one conversation in one order');
      for (let k = 1; k < got.length; k++) assert.ok((got[k]!.id as number) > (got[k - 1]!.id as number), 'increasing ids');
    }
    for (const [i, s] of senders.entries()) {
      const own = conversation.filter((line) => line.split(' ')[1]!.startsWith(`s${i}-`));
      assert.deepEqual(own.map((line) => line.split(' ')[1]), Array.from({ length: perSender }, (_, n) => `s${i}-${n}`), 'send order kept');
      assert.deepEqual(messages(s).map((f) => `${f.id} ${f.message}`), conversation.filter((line) => !line.split(' ')[1]!.startsWith(`s${i}-`)));
      await framesUntil(s, 'every ack', 5000, (f) => f.filter((x) => x.type === 'ack').length === perSender);
      assert.deepEqual(s.frames.filter((f) => f.type === 'ack').map((f) => f.id), own.map((line) => Number(line.split(' ')[0])), 'acks carry the ids');
    }
  });

  it('ack recipients count the other connections of the topic on every process', T, async () => {
    const [p1, p2, p3] = await cluster();
    const [a, b, c, d, e] = await Promise.all([p1, p1, p2, p3, p3].map((p) => pool.open(p)));
    for (const [client, name] of [[a, 'a'], [b, 'b'], [c, 'c'], [d, 'd'], [e, 'e']] as const) await join(client!, name, 'recipients');
    await framesUntil(a!, 'a saw four joins', 3000, (f) => f.filter((x) => x.type === 'joined').length === 4);
    a!.send({ message: 'count me' });
    assert.equal((await a!.next('ack')).recipients, 4);
    for (const r of [b, c, d, e]) assert.equal((await r!.next('message')).message, 'count me');

    e!.send('/leave');
    await e!.next('left');
    assert.equal((await a!.next('left')).username, 'e');
    a!.send({ message: 'one fewer' });
    assert.equal((await a!.next('ack')).recipients, 3);
  });

  it('presence: joined, left (close, /quit, /leave, /join, drop) and typing reach every process', T, async () => {
    const [p1, p2, p3] = await cluster();
    const watcher = await pool.open(p1);
    await join(watcher, 'watcher', 'presence');
    const second = await pool.open(p2);
    await join(second, 'second', 'presence');
    const joined = await watcher.next('joined');
    assert.deepEqual([joined.username, joined.topic, typeof joined.timestamp], ['second', 'presence', 'number']);

    const names = ['closer', 'quitter', 'leaver', 'mover', 'dropper'];
    const others = await Promise.all(names.map((_, i) => pool.open([p2, p3][i % 2]!)));
    for (const [i, client] of others.entries()) await join(client, names[i]!, 'presence');
    for (const name of names) {
      assert.equal((await watcher.next('joined')).username, name);
      assert.equal((await second.next('joined')).username, name);
    }

    others[0]!.send({ typing: true });
    assert.equal((await watcher.next('typing')).username, 'closer');
    assert.equal((await second.next('typing')).username, 'closer');

    others[0]!.close(1000);
    others[1]!.send('/quit');
    others[2]!.send('/leave');
    others[3]!.send('/join presence-elsewhere');
    others[4]!.destroy();
    for (const observer of [watcher, second]) {
      await framesUntil(observer, 'five left frames', 5000, (f) => f.filter((x) => x.type === 'left').length === 5);
      const left = observer.frames.filter((f) => f.type === 'left');
      assert.deepEqual(left.map((f) => f.username).sort(), [...names].sort());
      assert.ok(left.every((f) => f.topic === 'presence' && typeof f.timestamp === 'number'));
    }
  });

  it('/who lists users of every process no later than their joined, and drops them no later than their left', T, async () => {
    const [p1, p2, p3] = await cluster();
    const asker = await pool.open(p1);
    await join(asker, 'asker', 'who');
    const x = await pool.open(p2);
    await join(x, 'xavier', 'who');
    await asker.next('joined');
    assert.deepEqual(await who(asker), ['asker', 'xavier']);
    const y = await pool.open(p3);
    await join(y, 'yara', 'who');
    await asker.next('joined');
    assert.deepEqual(await who(asker), ['asker', 'xavier', 'yara']);
    await x.next('joined');
    assert.deepEqual(await who(x), ['asker', 'xavier', 'yara']);
    y.send('/quit');
    assert.equal((await asker.next('left')).username, 'yara');
    assert.deepEqual(await who(asker), ['asker', 'xavier']);
  });

  it('/list shows topics of every process with cluster-wide counts, before and after joining, within 1 s', T, async () => {
    const [p1, p2, p3] = await cluster();
    const lobby = await pool.open(p3);
    const u = await pool.open(p1);
    const v = await pool.open(p2);
    const w = await pool.open(p3);
    await join(u, 'u', 'list-a');
    await join(v, 'v', 'list-a');
    await join(w, 'w', 'list-b');
    const countsAre = async (client: ChatTestClient, expected: Record<string, number>): Promise<void> => {
      let last: Record<string, number> = {};
      await eventually(`/list shows ${JSON.stringify(expected)} (last ${JSON.stringify(last)})`, 1500, async () => {
        last = await listCounts(client);
        return Object.entries(expected).every(([topic, n]) => (n === 0 ? !(topic in last) : last[topic] === n));
      });
    };
    await countsAre(lobby, { 'list-a': 2, 'list-b': 1 });
    await countsAre(u, { 'list-a': 2, 'list-b': 1 });
    lobby.send('/list');
    assert.match((await lobby.next('topics')).text as string, /\n- list-a \(2 users\)/);
    const late = await pool.open(p1);
    await join(late, 'late', 'list-b');
    await countsAre(lobby, { 'list-a': 2, 'list-b': 2 });
    v.send('/leave');
    await countsAre(lobby, { 'list-a': 1, 'list-b': 2 });
    u.destroy();
    await countsAre(w, { 'list-a': 0, 'list-b': 2 });
  });

  it('/dm reaches a user of the topic on another process; a name on no process gets user_not_found', T, async () => {
    const [p1, p2, p3] = await cluster();
    const [a, b, c, outsider] = await Promise.all([p1, p2, p3, p2].map((p) => pool.open(p)));
    await join(a!, 'ana', 'dms');
    await join(b!, 'bo', 'dms');
    await join(c!, 'cy', 'dms');
    await join(outsider!, 'zed', 'dms-elsewhere');
    await framesUntil(a!, 'a saw bo and cy', 3000, (f) => f.filter((x) => x.type === 'joined').length === 2);

    a!.send({ message: '/dm bo secret', ref: 'd1' });
    const dm = await b!.next('dm', 1500);
    assert.deepEqual([dm.from, dm.to, dm.message], ['ana', 'bo', 'secret']);
    const ack = await a!.next('ack');
    assert.deepEqual([ack.to, ack.id, ack.ref], ['bo', dm.id, 'd1']);
    c!.send('/dm ana reply from process three');
    assert.equal((await a!.next('dm')).from, 'cy');

    a!.send('/dm ghost hello');
    assert.equal((await a!.next('error')).code, 'user_not_found');
    a!.send('/dm zed you are in another topic');
    assert.equal((await a!.next('error')).code, 'user_not_found');
    // Round trip behind the DMs: nobody else got one.
    a!.send({ message: 'public' });
    for (const r of [b!, c!]) await r.next('message');
    assert.equal(c!.frames.some((f) => f.type === 'dm'), false);
    assert.equal(outsider!.frames.some((f) => f.type === 'dm'), false);
  });

  it('ids: one counter for the cluster; a message accepted after another one was acked has a higher id', T, async () => {
    const processes = await cluster();
    // Pairs (i, i + 3) in three topics, each pair spread over two processes.
    const clients = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => pool.open(processes[Math.floor(i / 2) % 3]!)));
    for (const [i, client] of clients.entries()) await join(client, `id${i}`, `ids-${i % 3}`);
    const seen: number[] = [];
    for (let round = 0; round < 30; round++) {
      const sender = clients[(round * 7) % clients.length]!;
      const partner = clients.indexOf(sender) < 3 ? `id${clients.indexOf(sender) + 3}` : `id${clients.indexOf(sender) - 3}`;
      sender.send(round % 4 === 3 ? `/dm ${partner} id check ${round}` : { message: `id check ${round}` });
      const ack = await sender.next('ack');
      assert.equal(typeof ack.id, 'number');
      if (seen.length > 0) assert.ok((ack.id as number) > seen.at(-1)!, `id ${ack.id} after ${seen.at(-1)}`);
      seen.push(ack.id as number);
    }
    assert.equal(new Set(seen).size, seen.length, 'unique');
    assert.ok(seen.every((id) => Number.isSafeInteger(id) && id >= 0));
  });
});
