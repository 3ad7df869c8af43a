/**
 * Resuming through another process (chat protocol, "Resuming after a dropped
 * connection": in a cluster a client may come back through any process).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, type Frame } from '../helpers/chat-client.ts';
import { clientPool, framesUntil, startCluster, who, type Cluster, type ServerProcess } from '../helpers/cluster.ts';

const T = { timeout: 20_000 };

describe('cluster: resuming through another process', () => {
  const pool = clientPool();
  let started: Promise<Cluster> | undefined;
  const cluster = async (): Promise<ServerProcess[]> => {
    started ??= startCluster({ processes: 3 });
    return (await started).processes;
  };
  after(async () => {
    pool.destroyAll();
    if (started) await (await started.catch(() => undefined))?.stop();
  });

  it('after a drop, the token and since work on another process: same name, exactly the missed messages', T, async () => {
    const [p1, p2, p3] = await cluster();
    const alice = await pool.open(p1!);
    const bob = await pool.open(p3!);
    const first = await join(alice, 'alice', 'resume-drop');
    assert.equal(typeof first.resumeToken, 'string');
    await join(bob, 'bob', 'resume-drop');
    bob.send({ message: 'seen 1' });
    bob.send({ message: 'seen 2' });
    await framesUntil(alice, 'two messages', 3000, (f) => f.filter((m) => m.type === 'message').length === 2);
    const since = alice.frames.filter((m) => m.type === 'message').at(-1)!.id as number;

    alice.destroy();
    assert.equal((await bob.next('left')).username, 'alice');
    bob.send({ message: 'missed' });
    await bob.next('ack');

    const back = await pool.open(p2!);
    back.send({ username: 'alice', topic: 'resume-drop', resume: first.resumeToken, since });
    const welcome = await back.next('welcome');
    assert.equal(welcome.username, 'alice');
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.recovered, true);
    assert.deepEqual((welcome.history as Frame[]).map((m) => m.message), ['missed']);
    assert.notEqual(welcome.resumeToken, first.resumeToken, 'a new token with each welcome');
    assert.equal((await bob.next('joined')).username, 'alice');

    // The token is used up, on any process.
    const again = await pool.open(p3!);
    again.send({ username: 'alice', topic: 'resume-drop', resume: first.resumeToken });
    const normal = await again.next('welcome');
    assert.equal(normal.resumed, false);
    assert.equal(normal.username, 'alice#2');
  });

  it('while the old connection is still open: the new one on another process takes its place, the old gets 4000, nobody sees left or joined', T, async () => {
    const [p1, p2, p3] = await cluster();
    const old = await pool.open(p1!);
    const bob = await pool.open(p3!);
    const first = await join(old, 'alice', 'resume-open');
    await join(bob, 'bob', 'resume-open');
    await old.next('joined');
    const mark = bob.frames.length;

    const taker = await pool.open(p2!);
    taker.send({ username: 'alice', topic: 'resume-open', resume: first.resumeToken });
    const welcome = await taker.next('welcome');
    assert.equal(welcome.username, 'alice');
    assert.equal(welcome.resumed, true);
    assert.deepEqual(await old.closed, { code: 4000, reason: 'replaced' });

    taker.send({ message: 'same session, other process' });
    const got = await bob.next('message');
    assert.deepEqual([got.username, got.message], ['alice', 'same session, other process']);
    assert.equal((await taker.next('ack')).recipients, 1);
    assert.deepEqual(await who(bob), ['alice', 'bob']);
    const presence = bob.frames.slice(mark).filter((f) => f.type === 'left' || f.type === 'joined');
    assert.deepEqual(presence, [], 'no left and no joined');
  });

  it('a token for another topic is no error: a normal join with resumed false', T, async () => {
    const [p1, p2] = await cluster();
    const a = await pool.open(p1!);
    const first = await join(a, 'carol', 'resume-topic-a');
    const b = await pool.open(p2!);
    b.send({ username: 'carol', topic: 'resume-topic-b', resume: first.resumeToken });
    const welcome = await b.next('welcome');
    assert.equal(welcome.resumed, false);
    assert.equal(welcome.topic, 'resume-topic-b');
  });
});
