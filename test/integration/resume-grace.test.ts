/**
 * The grace period (`--resume-grace`), over real sockets against one
 * process (chat protocol, "Resuming after a dropped connection"): a member
 * whose connection dropped without a close frame is kept, listed but
 * unreachable, until it resumes (seamless: no left, no joined) or the grace
 * ends (then `left`). An end on purpose is announced at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import type { RunningChatServer } from '../helpers/chat-server.ts';
import { listCounts, who } from '../helpers/cluster.ts';
import { liveTexts, nextServerConnection, presence, resumeScope, sendAcked } from '../helpers/resume-steps.ts';

const T = { timeout: 20_000 };
/** Long enough that no test waits for it to end by accident. */
const LONG_GRACE = { resumeGrace: 30, resumeWindow: 60 };

const { server, relayTo, client, resumeWith } = resumeScope();

/** alice through the relay, bob and carol directly, all in `topic`; bob has sent one message alice saw. */
async function threeMembers(running: RunningChatServer, url: string, topic: string) {
  const aliceServerSide = nextServerConnection(running);
  const alice = await client(url);
  const { closed: aliceEnded } = await aliceServerSide;
  const first = await join(alice, 'alice', topic);
  const bob = await client(running.url);
  await join(bob, 'bob', topic);
  const carol = await client(running.url);
  await join(carol, 'carol', topic);
  await sendAcked(bob, 'seen');
  const since = (await alice.next('message')).id as number;
  await carol.next('message');
  return { alice, aliceEnded, first, since, bob, carol };
}

describe('resume grace: a drop within the grace is seamless', () => {
  for (const mode of ['fin', 'rst'] as const) {
    it(`${mode}: listed but unreachable during the grace, then resumed with no left or joined and each missed message once`, T, async () => {
      const running = await server(LONG_GRACE);
      const { relay, url } = await relayTo(running);
      const { aliceEnded, first, since, bob, carol } = await threeMembers(running, url, `grace-${mode}`);
      const bobMark = bob.frames.length;
      const carolMark = carol.frames.length;

      relay.cutAll(mode);
      assert.equal((await aliceEnded).code, 1006, 'no close frame: a drop');

      // During the grace: still listed and counted, but nothing reaches it.
      assert.deepEqual(await who(bob), ['alice', 'bob', 'carol']);
      assert.equal((await listCounts(bob))[`grace-${mode}`], 3);
      const missed = [await sendAcked(bob, 'missed 1'), await sendAcked(bob, 'missed 2')];
      assert.deepEqual(missed.map((ack) => ack.recipients), [1, 1], 'only carol is counted');
      bob.send('/dm alice are you there');
      const refused = await bob.next('error');
      assert.equal(refused.code, 'user_not_found');

      const { welcome, connection: back } = await resumeWith(running, 'alice', `grace-${mode}`, first.resumeToken, since);
      assert.equal(welcome.username, 'alice');
      assert.equal(welcome.resumed, true);
      assert.equal(welcome.recovered, true);
      assert.deepEqual((welcome.history as Frame[]).map((m) => m.message), ['missed 1', 'missed 2']);

      // Reachable again, and the missed messages never come twice.
      assert.equal((await sendAcked(bob, 'after')).recipients, 2);
      await who(back);
      assert.deepEqual(liveTexts(back.frames), ['after']);

      // Round trips behind everything: nobody saw alice leave or join.
      assert.deepEqual(await who(bob), ['alice', 'bob', 'carol']);
      await who(carol);
      assert.deepEqual(presence(bob.frames, bobMark), []);
      assert.deepEqual(presence(carol.frames, carolMark), []);
    });
  }

  it('a half-open connection found by the heartbeat is a drop: the grace applies, the resume is seamless', T, async () => {
    const running = await server({ ...LONG_GRACE, heartbeat: 0.2 });
    const { relay, url } = await relayTo(running);
    const { aliceEnded, first, bob } = await threeMembers(running, url, 'grace-heartbeat');
    const mark = bob.frames.length;

    relay.blackholeAll();
    assert.equal((await aliceEnded).code, 1006, 'the server gave up on the silent connection');
    assert.deepEqual(await who(bob), ['alice', 'bob', 'carol']);

    const { welcome } = await resumeWith(running, 'alice', 'grace-heartbeat', first.resumeToken);
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.username, 'alice');
    assert.equal((await sendAcked(bob, 'after')).recipients, 2);
    assert.deepEqual(presence(bob.frames, mark), []);
  });
});

describe('resume grace: when it ends, and ends on purpose', () => {
  it('without a resume the others get left when the grace ends (--resume-grace 1); the token still works within the window, announced with joined', T, async () => {
    const running = await server({ resumeGrace: 1, resumeWindow: 60 });
    const { relay, url } = await relayTo(running);
    const { aliceEnded, first, since, bob, carol } = await threeMembers(running, url, 'grace-ends');
    relay.cutAll('fin');
    await aliceEnded;
    await sendAcked(bob, 'during the grace');
    assert.equal((await bob.next('left', 10_000)).username, 'alice');
    assert.equal((await carol.next('left', 10_000)).username, 'alice');
    assert.deepEqual(await who(bob), ['bob', 'carol']);

    const { welcome } = await resumeWith(running, 'alice', 'grace-ends', first.resumeToken, since);
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.username, 'alice');
    assert.deepEqual((welcome.history as Frame[]).map((m) => m.message), ['during the grace']);
    assert.equal((await bob.next('joined')).username, 'alice');
  });

  it('with the grace equal to the window, the token stops working when the grace ends', T, async () => {
    const running = await server({ resumeGrace: 1, resumeWindow: 1 });
    const { relay, url } = await relayTo(running);
    const { aliceEnded, first, bob } = await threeMembers(running, url, 'grace-window');
    relay.cutAll('rst');
    await aliceEnded;
    // Both run from the moment the connection ended: the left marks the end of the window.
    assert.equal((await bob.next('left', 10_000)).username, 'alice');
    const { welcome } = await resumeWith(running, 'alice', 'grace-window', first.resumeToken);
    assert.equal(welcome.resumed, false);
  });

  const onPurpose: [string, (alice: ChatTestClient) => void][] = [
    ['a close frame from the client', (alice) => alice.close(1000)],
    ['/quit', (alice) => alice.send('/quit')],
  ];
  for (const [how, end] of onPurpose) {
    it(`after ${how} the others get left at once, and the token is gone`, T, async () => {
      const running = await server(LONG_GRACE);
      const topic = `grace-${how.replace(/\W+/g, '-')}`;
      const { alice, aliceEnded, first, bob } = await threeMembers(running, running.url, topic);
      end(alice);
      assert.notEqual((await aliceEnded).code, 1006);
      // Handled by the server already: the left is ahead of the /who answer.
      assert.deepEqual(await who(bob), ['bob', 'carol']);
      assert.equal(presence(bob.frames, 0).at(-1)?.type, 'left');

      const { welcome } = await resumeWith(running, 'alice', topic, first.resumeToken);
      assert.equal(welcome.resumed, false);
    });
  }
});
