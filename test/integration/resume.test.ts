/**
 * Resuming after a dropped connection, over real sockets against one
 * process (chat protocol, "Resuming after a dropped connection"): a
 * half-open connection taken over, FIN and RST drops, and which messages a
 * resumer gets back. Connections are cut under the client by a TCP relay.
 * Which tokens work is in resume-tokens.test.ts, the grace period in
 * resume-grace.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join, type Frame } from '../helpers/chat-client.ts';
import { eventually, who } from '../helpers/cluster.ts';
import { liveTexts, nextServerConnection, presence, resumeScope, sendAcked, storedMessages } from '../helpers/resume-steps.ts';

const T = { timeout: 20_000 };

const { server, relayTo, client, resumeWith } = resumeScope();

describe('resume: a half-open connection is taken over', () => {
  it('the new connection gets the same name with resumed true, the silent one is closed with 4000 "replaced", nobody sees left or joined', T, async () => {
    // Heartbeat off (the helper's default): only the takeover can end the silent connection.
    const running = await server();
    const { relay, url } = await relayTo(running);
    const aliceServerSide = nextServerConnection(running);
    const alice = await client(url);
    const { closed: oldClosed } = await aliceServerSide;
    const first = await join(alice, 'alice', 'half-open');
    assert.equal(typeof first.resumeToken, 'string');
    const bob = await client(running.url);
    await join(bob, 'bob', 'half-open');
    await alice.next('joined');

    // The phone changed networks: the TCP connection stays open, nothing passes.
    relay.blackholeAll();
    const mark = bob.frames.length;
    const { welcome, connection: taker } = await resumeWith(running, 'alice', 'half-open', first.resumeToken);
    assert.equal(welcome.username, 'alice');
    assert.equal(welcome.resumed, true);
    assert.deepEqual((welcome.users as string[]).slice().sort(), ['alice', 'bob']);
    assert.equal(typeof welcome.resumeToken, 'string');
    assert.notEqual(welcome.resumeToken, first.resumeToken, 'each welcome brings a new token');

    // The server closed the silent connection itself, with the code that tells a client not to come back.
    assert.deepEqual(await oldClosed, { code: 4000, reason: 'replaced' });
    await eventually('the relay sees the old connection gone', 5000, () => relay.connectionCount === 0);

    // The new connection is the member: it receives, it is counted, it speaks as alice.
    bob.send({ message: 'to the new alice', ref: 'b1' });
    assert.equal((await taker.next('message')).message, 'to the new alice');
    assert.equal((await bob.next('ack')).recipients, 1, 'only the new connection is counted');
    taker.send({ message: 'back' });
    const got = await bob.next('message');
    assert.deepEqual([got.username, got.message], ['alice', 'back']);

    // A round trip behind everything: no left and no joined reached bob.
    assert.deepEqual(await who(bob), ['alice', 'bob']);
    assert.deepEqual(presence(bob.frames, mark), [], 'no left and no joined for the others');
    assert.deepEqual(presence(taker.frames, 0), [], 'none for the resumer either');
  });
});

describe('resume: after a FIN or an RST drop (no grace)', () => {
  for (const mode of ['fin', 'rst'] as const) {
    it(`${mode}: the others get left at once; the resumer gets the same name, exactly the missed messages, and the others get joined`, T, async () => {
      const running = await server();
      const { relay, url } = await relayTo(running);
      const alice = await client(url);
      const first = await join(alice, 'alice', `drop-${mode}`);
      const bob = await client(running.url);
      await join(bob, 'bob', `drop-${mode}`);
      await alice.next('joined');
      await sendAcked(bob, 'seen');
      const since = (await alice.next('message')).id as number;

      relay.cutAll(mode);
      assert.equal((await bob.next('left')).username, 'alice');
      const missed = [await sendAcked(bob, 'missed 1'), await sendAcked(bob, 'missed 2')];
      assert.deepEqual(missed.map((ack) => ack.recipients), [0, 0], 'nobody else is there');

      const { welcome, connection: back } = await resumeWith(running, 'alice', `drop-${mode}`, first.resumeToken, since);
      assert.equal(welcome.username, 'alice');
      assert.equal(welcome.resumed, true);
      assert.equal(welcome.recovered, true);
      const history = welcome.history as Frame[];
      assert.deepEqual(history.map((m) => m.message), ['missed 1', 'missed 2']);
      assert.deepEqual(history.map((m) => m.id), missed.map((ack) => ack.id));
      assert.equal((await bob.next('joined')).username, 'alice');

      // Live messages after the welcome, once each; the missed ones never come again.
      await sendAcked(bob, 'after');
      await who(back);
      assert.deepEqual(liveTexts(back.frames), ['after']);
    });
  }

  it('when someone else took the name meanwhile, the resumer is deduplicated like any join (resumed true, joined for the others)', T, async () => {
    const running = await server();
    const { relay, url } = await relayTo(running);
    const alice = await client(url);
    const first = await join(alice, 'alice', 'name-taken');
    const bob = await client(running.url);
    await join(bob, 'bob', 'name-taken');
    relay.cutAll('fin');
    assert.equal((await bob.next('left')).username, 'alice');
    const other = await client(running.url);
    assert.equal((await join(other, 'Alice', 'name-taken')).username, 'Alice', 'the name was free');
    assert.equal((await bob.next('joined')).username, 'Alice');

    const { welcome } = await resumeWith(running, 'alice', 'name-taken', first.resumeToken);
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.username, 'alice#2');
    assert.equal((await bob.next('joined')).username, 'alice#2');
    assert.deepEqual(await who(bob), ['Alice', 'alice#2', 'bob']);
    assert.deepEqual(liveTexts(other.frames), []);
  });
});

describe('resume: since and recovered', () => {
  it('since without a token: history above since only, recovered true, resumed false', T, async () => {
    const running = await server();
    const bob = await client(running.url);
    await join(bob, 'bob', 'since-only');
    const ids: number[] = [];
    for (const text of ['one', 'two', 'three']) ids.push((await sendAcked(bob, text)).id as number);
    const carol = await client(running.url);
    carol.send({ username: 'carol', topic: 'since-only', since: ids[0] });
    const welcome = await carol.next('welcome');
    assert.equal(welcome.resumed, false);
    assert.equal(welcome.recovered, true);
    assert.deepEqual((welcome.history as Frame[]).map((m) => m.message), ['two', 'three']);
  });

  it('a missed message that expired (--message-ttl 1): recovered false, and no history to give', T, async () => {
    const running = await server({ messageTtl: 1 });
    const alice = await client(running.url);
    const first = await join(alice, 'alice', 'expired');
    const bob = await client(running.url);
    await join(bob, 'bob', 'expired');
    await sendAcked(bob, 'seen');
    const since = (await alice.next('message')).id as number;
    alice.destroy();
    assert.equal((await bob.next('left')).username, 'alice');
    await sendAcked(bob, 'missed and expired');
    // The server's own expiry timer is the clock: wait until it removed both messages.
    await eventually('the messages expire', 10_000, async () => (await storedMessages(running)) === 0);

    const { welcome } = await resumeWith(running, 'alice', 'expired', first.resumeToken, since);
    assert.equal(welcome.username, 'alice');
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.recovered, false, 'a message above since expired unseen');
    assert.deepEqual(welcome.history, []);
  });

  it('a topic emptied and created again meanwhile: the token still works, recovered false, the new topic\'s messages in history', T, async () => {
    const running = await server();
    const alice = await client(running.url);
    const first = await join(alice, 'alice', 'reborn');
    const since = (await sendAcked(alice, 'alone')).id as number;
    const watcher = await client(running.url);
    alice.destroy();
    // The topic is gone once its last member left (the listing no longer has it).
    await eventually('the topic is deleted', 5000, async () => {
      watcher.send('/list');
      const topics = (await watcher.next('topics')).topics as { topic: string }[];
      return !topics.some((t) => t.topic === 'reborn');
    });
    const bob = await client(running.url);
    await join(bob, 'bob', 'reborn');
    await sendAcked(bob, 'in the new topic');

    const { welcome } = await resumeWith(running, 'alice', 'reborn', first.resumeToken, since);
    assert.equal(welcome.username, 'alice');
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.recovered, false, 'the old topic\'s messages after since are unknown');
    assert.deepEqual((welcome.history as Frame[]).map((m) => m.message), ['in the new topic']);
  });
});
