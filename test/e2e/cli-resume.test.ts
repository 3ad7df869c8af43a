/**
 * The terminal client resumes after its connection is cut under it by a TCP
 * relay (FIN, RST, or a silent half-open link found by the keepalive): same
 * name afterwards, the messages another client sent meanwhile printed once,
 * nobody sees it leave or join. After close 4000 (another connection took
 * the session over) it does not reconnect. Script mode runs as a spawned
 * `node bin/client.js`; interactive mode runs in-process with a terminal-like
 * stdin, to check the lines a person sees.
 *
 * While the reconnects are refused by the relay, the other client's messages
 * are sent and acknowledged, so they are certainly sent "meanwhile".
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runClient } from '../../lib/client/cli.ts';
import { join, ourClient, type ChatTestClient, type Frame as RawFrame } from '../helpers/chat-client.ts';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';
import { startTcpRelay, type TcpRelay } from '../helpers/tcp-relay.ts';
import { Client, killAll, waitUntil, type Frame } from './cli-process.ts';

const TIMEOUT = { timeout: 30_000 };

/** Whether the server under test implements resuming yet (a `resumeToken` in its welcome). */
async function serverResumes(): Promise<boolean> {
  const server = await startChatServer();
  try {
    const probe = await ourClient(server.url);
    const welcome = await join(probe, 'probe', 'probe');
    probe.close();
    return typeof welcome['resumeToken'] === 'string';
  } finally {
    await server.stop();
  }
}
const RESUMES = await serverResumes();
/** Until the server side lands, these tests run but may fail without failing the suite. */
const WHEN_RESUMING = RESUMES ? {} : { todo: 'server resume not landed yet' };
if (!RESUMES) console.log('# the server sends no resumeToken yet: resume tests are todo');

async function sendAcked(client: ChatTestClient, text: string): Promise<number> {
  client.send({ message: text, ref: text });
  for (;;) {
    const ack = await client.next('ack');
    if (ack['ref'] === text) return ack['id'] as number;
  }
}

/** Frames about `name` leaving or joining, from index `from`. */
function presence(frames: readonly RawFrame[], name: string, from: number): RawFrame[] {
  return frames.slice(from).filter((f) => (f.type === 'left' || f.type === 'joined') && f['username'] === name);
}

function count(texts: readonly string[], text: string): number {
  return texts.filter((t) => t === text).length;
}

describe('wschat client resumes (script mode)', () => {
  let server: RunningChatServer;
  let relay: TcpRelay;
  let bob: ChatTestClient;
  /** Fresh topic per test so that histories do not mix. */
  let topic = '';
  let n = 0;

  before(async () => {
    // The grace keeps a member whose TCP connection dropped without a close
    // frame, so that a resume within it is seen by nobody.
    server = await startChatServer({ resumeGrace: 30, resumeWindow: 60 } as Record<string, unknown>);
  });
  afterEach(async () => {
    killAll();
    bob?.close();
    await relay?.close();
  });
  after(() => server.stop());

  async function awayAndBack(cut: (relay: TcpRelay) => void, extraArgs: string[] = []): Promise<{ alice: Client; before: number }> {
    topic = `resume-${++n}`;
    relay = await startTcpRelay(server.port);
    const alice = new Client(['alice', topic, '--url', `ws://127.0.0.1:${relay.port}/ws`, ...extraArgs]);
    const first = await alice.welcome();
    assert.equal(first.username, 'alice');
    bob = await ourClient(server.url);
    await join(bob, 'bob', topic);
    await alice.frame((f) => f.type === 'joined' && f.username === 'bob', 'alice sees bob join');
    await sendAcked(bob, 'before');
    await alice.frame((f) => f.type === 'message' && f.message === 'before', 'alice gets "before"');
    const bobBefore = bob.frames.length;
    const framesBefore = alice.frames.length;

    relay.setRefusing(true);
    cut(relay);
    await alice.stderrMatches(/reconnecting/, 'alice notices the drop');
    await sendAcked(bob, 'during 1');
    await sendAcked(bob, 'during 2');
    relay.setRefusing(false);

    const again = await alice.welcome(framesBefore);
    assert.equal(again.username, 'alice', 'the same name afterwards');
    assert.equal(again.resumed, true);
    assert.equal(again.recovered, true);
    assert.match(alice.stderr, /\(resuming\)/);

    alice.write('back');
    const back = await bob.next('message');
    assert.deepEqual([back['username'], back['message']], ['alice', 'back']);
    // A round trip behind anything the resume could have caused bob to get.
    bob.send('/who');
    const users = (await bob.next('users'))['users'] as string[];
    assert.deepEqual([...users].sort(), ['alice', 'bob']);
    assert.deepEqual(presence(bob.frames, 'alice', bobBefore), [], 'bob saw alice neither leave nor join');

    const texts = alice.messages().map((m: Frame) => m.message as string);
    for (const text of ['before', 'during 1', 'during 2']) assert.equal(count(texts, text), 1, `"${text}" printed once: ${JSON.stringify(texts)}`);
    const ids = alice.messages().map((m: Frame) => m.id as number);
    assert.equal(new Set(ids).size, ids.length, 'no message id twice');
    assert.deepEqual(presence(alice.frames, 'alice', framesBefore), []);
    return { alice, before: framesBefore };
  }

  test('a FIN under the client: resumed, same name, missed messages once, no leave/join', { ...TIMEOUT, ...WHEN_RESUMING }, async () => {
    const { alice } = await awayAndBack((r) => r.cutAll('fin'));
    alice.end();
    assert.equal(await alice.exited, 0);
  });

  test('an RST under the client: the same', { ...TIMEOUT, ...WHEN_RESUMING }, async () => {
    const { alice } = await awayAndBack((r) => r.cutAll('rst'));
    alice.end();
    assert.equal(await alice.exited, 0);
  });

  test('a silent half-open link is found by the keepalive and resumed', { ...TIMEOUT, ...WHEN_RESUMING }, async () => {
    const { alice } = await awayAndBack((r) => r.blackholeAll(), ['--keepalive', '0.3']);
    assert.match(alice.stderr, /no answer to a ping/);
    alice.end();
    assert.equal(await alice.exited, 0);
  });

  test('close 4000: another connection took the session over; no reconnect, exit 1', { ...TIMEOUT, ...WHEN_RESUMING }, async () => {
    topic = `resume-${++n}`;
    const alice = new Client(['alice', topic, '--url', server.url]);
    const welcome = await alice.welcome();
    bob = await ourClient(server.url);
    await join(bob, 'bob', topic);
    const bobBefore = bob.frames.length;
    const other = await ourClient(server.url);
    other.send({ username: 'alice', topic, resume: welcome.resumeToken });
    const taken = await other.next('welcome');
    assert.deepEqual([taken['username'], taken['resumed']], ['alice', true]);
    assert.equal(await alice.exited, 1);
    assert.match(alice.stderr, /taken over by another connection/);
    assert.doesNotMatch(alice.stderr, /reconnecting in/);
    bob.send('/who');
    await bob.next('users');
    assert.deepEqual(presence(bob.frames, 'alice', bobBefore), []);
    other.close();
  });
});

describe('wschat client resumes (interactive)', () => {
  let server: RunningChatServer;
  let relay: TcpRelay;

  before(async () => {
    server = await startChatServer({ resumeGrace: 30, resumeWindow: 60 } as Record<string, unknown>);
    relay = await startTcpRelay(server.port);
  });
  after(async () => {
    await relay.close();
    await server.stop();
  });

  test('what a person sees: own messages with their time, client /help, no typing lines, a quiet resume', { ...TIMEOUT, ...WHEN_RESUMING }, async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = new PassThrough();
    let out = '';
    const pokes = new Set<() => void>();
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      out += chunk;
      for (const poke of pokes) poke();
    });
    const subscribe = (poke: () => void): (() => void) => (pokes.add(poke), () => pokes.delete(poke));
    const seen = (pattern: RegExp, what: string): Promise<void> =>
      waitUntil(() => pattern.test(out), subscribe, what).catch((error: Error) => {
        throw new Error(`${error.message}; output:\n${out}`);
      });
    const lines = (): string[] => out.split('\n');

    const exited = runClient(['alice', 'lounge', '--url', `ws://127.0.0.1:${relay.port}/ws`], { stdin, stdout, stderr: stdout, env: {} });
    await seen(/joined lounge as alice/, 'the welcome');
    const bob = await ourClient(server.url);
    await join(bob, 'bob', 'lounge');
    await seen(/bob joined lounge/, 'bob joins');

    bob.send({ typing: true });
    await sendAcked(bob, 'before');
    await seen(/bob: before/, 'bob\'s message');
    assert.doesNotMatch(out, /typing/, 'no typing line in the scrollback');

    stdin.write('mine\n');
    await seen(/^\[\d\d:\d\d:\d\d\] alice: mine$/m, 'our own message, with its time');
    assert.equal((await bob.next('message'))['message'], 'mine');
    stdin.write('/help\n');
    await seen(/\/dm <user> <text>/, 'the client help');
    assert.doesNotMatch(out, /"type"/);

    const beforeCut = lines().length;
    relay.setRefusing(true);
    relay.cutAll('fin');
    await seen(/reconnecting in/, 'the reconnect notice');
    await sendAcked(bob, 'during 1');
    await sendAcked(bob, 'during 2');
    relay.setRefusing(false);
    await seen(/reconnected: still alice in lounge/, 'the quiet resume');
    await seen(/bob: during 2/, 'the missed messages');
    stdin.write('after\n');
    await seen(/alice: after$/m, 'our message after the resume');

    const after = lines().slice(beforeCut);
    assert.deepEqual(after.filter((l) => / (joined|left) lounge|joined lounge as/.test(l)), [], 'no leave/join lines');
    assert.doesNotMatch(out, /may have been missed/);
    for (const text of ['bob: before', 'bob: during 1', 'bob: during 2', 'alice: mine', 'alice: after']) {
      assert.equal(lines().filter((l) => l.endsWith(text)).length, 1, `"${text}" once:\n${out}`);
    }
    stdin.write('/quit\n');
    assert.equal(await exited, 0);
    bob.close();
  });
});
