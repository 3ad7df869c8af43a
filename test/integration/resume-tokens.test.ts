/**
 * Which resume tokens work, over real sockets against one process (chat
 * protocol, "Resuming after a dropped connection"): none after an end on
 * purpose, still after a close the server started, not after the window,
 * once only, only the latest, only in its topic; bad `resume`/`since`
 * values are refused without using the token up; a grace longer than the
 * window is refused at start.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import type { RunningChatServer } from '../helpers/chat-server.ts';
import { closedWithin, eventually, runServerToExit, who } from '../helpers/cluster.ts';
import { resumeScope, sendAcked, storedMessages } from '../helpers/resume-steps.ts';

const T = { timeout: 20_000 };

const { server, client, resumeWith } = resumeScope();

/** alice and bob in `topic`; alice's welcome is returned. */
async function aliceAndBob(running: RunningChatServer, topic: string): Promise<{ alice: ChatTestClient; bob: ChatTestClient; first: Frame }> {
  const alice = await client(running.url);
  const first = await join(alice, 'alice', topic);
  const bob = await client(running.url);
  await join(bob, 'bob', topic);
  await alice.next('joined');
  return { alice, bob, first };
}

describe('resume tokens: an end on purpose uses the token up', () => {
  const ends: [string, (alice: ChatTestClient) => void][] = [
    ['/leave', (alice) => alice.send('/leave')],
    ['/quit', (alice) => alice.send('/quit')],
    ['a close frame from the client', (alice) => alice.close(1000)],
    ['/join of another topic', (alice) => alice.send('/join elsewhere')],
  ];
  for (const [how, end] of ends) {
    it(`after ${how}: resumed false, a normal join`, T, async () => {
      const running = await server();
      const topic = `on-purpose-${how.replace(/\W+/g, '-')}`;
      const { alice, bob, first } = await aliceAndBob(running, topic);
      end(alice);
      // The others heard of the end: the server has handled it.
      assert.equal((await bob.next('left')).username, 'alice');
      const { welcome } = await resumeWith(running, 'alice', topic, first.resumeToken);
      assert.equal(welcome.resumed, false);
      assert.equal(welcome.username, 'alice');
      assert.equal((await bob.next('joined')).username, 'alice', 'a normal join is announced');
    });
  }
});

describe('resume tokens: closes the server started, the window, single use', () => {
  it('after the server closed the connection (idle timeout): resumed true, same name', { ...T }, async () => {
    const running = await server({ idleTimeout: 1 });
    const alice = await client(running.url);
    const first = await join(alice, 'alice', 'idle');
    assert.deepEqual(await alice.closed, { code: 1000, reason: 'idle' });
    const { welcome } = await resumeWith(running, 'alice', 'idle', first.resumeToken);
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.username, 'alice');
  });

  it('after the window (--resume-window 1): resumed false', T, async () => {
    // A message sent after the drop expires after the window has passed:
    // the server's own expiry timer is the clock (--message-ttl equal to the window).
    const running = await server({ resumeWindow: 1, messageTtl: 1 });
    const { alice, bob, first } = await aliceAndBob(running, 'window');
    alice.destroy();
    assert.equal((await bob.next('left')).username, 'alice');
    await sendAcked(bob, 'clock');
    await eventually('the clock message expires', 10_000, async () => (await storedMessages(running)) === 0);
    const { welcome } = await resumeWith(running, 'alice', 'window', first.resumeToken);
    assert.equal(welcome.resumed, false);
    assert.equal(welcome.username, 'alice');
  });

  it('a token works once: used again, a normal join that does not disturb the first resumer', T, async () => {
    const running = await server();
    const { alice, bob, first } = await aliceAndBob(running, 'single-use');
    alice.destroy();
    assert.equal((await bob.next('left')).username, 'alice');
    const { welcome, connection: resumer } = await resumeWith(running, 'alice', 'single-use', first.resumeToken);
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.username, 'alice');
    const { welcome: again } = await resumeWith(running, 'alice', 'single-use', first.resumeToken);
    assert.equal(again.resumed, false);
    assert.equal(again.username, 'alice#2');
    assert.deepEqual(await who(resumer), ['alice', 'alice#2', 'bob'], 'the first resumer is still there');
    assert.equal(await closedWithin(resumer, 0), undefined);
  });

  it('only the latest token of a member works (a second welcome for the same topic replaces the first token)', T, async () => {
    const running = await server();
    const { alice, bob, first } = await aliceAndBob(running, 'latest');
    alice.send('/join latest');
    const second = await alice.next('welcome');
    assert.notEqual(second.resumeToken, first.resumeToken);
    alice.destroy();
    assert.equal((await bob.next('left')).username, 'alice');
    const { welcome: stale } = await resumeWith(running, 'alice', 'latest', first.resumeToken);
    assert.equal(stale.resumed, false);
    const { welcome: latest } = await resumeWith(running, 'alice', 'latest', second.resumeToken);
    assert.equal(latest.resumed, true);
  });

  it('a token for another topic is no error: a normal join there with resumed false', T, async () => {
    const running = await server();
    const { first } = await aliceAndBob(running, 'topic-a');
    const { welcome } = await resumeWith(running, 'alice', 'topic-b', first.resumeToken);
    assert.equal(welcome.resumed, false);
    assert.equal(welcome.topic, 'topic-b');
  });

  it('an unknown token is no error either: resumed false', T, async () => {
    const running = await server();
    const { welcome } = await resumeWith(running, 'alice', 'unknown-token', 'x'.repeat(43));
    assert.equal(welcome.resumed, false);
    assert.equal(welcome.username, 'alice');
  });
});

describe('resume tokens: bad values are invalid_join and use nothing up', () => {
  it('each bad since or resume gets invalid_join; the same connection then resumes with the token', T, async () => {
    const running = await server();
    const { alice, bob, first } = await aliceAndBob(running, 'bad-values');
    await sendAcked(bob, 'seen');
    const since = (await alice.next('message')).id as number;
    alice.destroy();
    assert.equal((await bob.next('left')).username, 'alice');

    const token = first.resumeToken;
    const bad: object[] = [
      { since: -1 },
      { since: 1.5 },
      { since: '3' },
      { since: null },
      { since: true },
      { since: 2 ** 53 },
      { since: Number.MAX_SAFE_INTEGER + 2 },
      { resume: 42 },
      { resume: null },
      { resume: {} },
      { resume: [token] },
    ];
    const back = await client(running.url);
    for (const fields of bad) {
      back.send({ username: 'alice', topic: 'bad-values', resume: token, ...fields });
      const reply = await back.next();
      assert.deepEqual([reply.type, reply.code], ['error', 'invalid_join'], `for ${JSON.stringify(fields)}`);
    }
    // A join refused for its username does not use the token up either.
    back.send({ username: '', topic: 'bad-values', resume: token });
    assert.equal((await back.next()).code, 'invalid_join');

    back.send({ username: 'alice', topic: 'bad-values', resume: token, since });
    const welcome = await back.next('welcome');
    assert.equal(welcome.resumed, true);
    assert.equal(welcome.username, 'alice');
    assert.equal(welcome.recovered, true);
    assert.deepEqual(welcome.history, []);
  });

  it('the edges of since are accepted: 0 and 2^53 - 1', T, async () => {
    const running = await server();
    const bob = await client(running.url);
    await join(bob, 'bob', 'since-edges');
    await sendAcked(bob, 'kept');
    for (const since of [0, Number.MAX_SAFE_INTEGER]) {
      const carol = await client(running.url);
      carol.send({ username: 'carol', topic: 'since-edges', since });
      const welcome = await carol.next('welcome');
      assert.deepEqual((welcome.history as Frame[]).map((m) => m.message), since === 0 ? ['kept'] : []);
      carol.close();
      await bob.next('left');
    }
  });
});

describe('resume options at start', () => {
  it('a grace longer than the window is refused with exit code 2', T, async () => {
    const byFlag = await runServerToExit(['--port', '0', '--host', '127.0.0.1', '--resume-grace', '10', '--resume-window', '5']);
    assert.equal(byFlag.code, 2, byFlag.output);
    assert.match(byFlag.output, /resume-grace/);
    const byEnv = await runServerToExit(['--port', '0', '--host', '127.0.0.1'], { RESUME_GRACE: '10', RESUME_WINDOW: '5' });
    assert.equal(byEnv.code, 2, byEnv.output);
  });
});
