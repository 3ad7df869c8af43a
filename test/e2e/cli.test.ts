/**
 * The terminal client end to end, in pipe mode: real `bin/server.js` and
 * `bin/client.js` processes (built dist/), talking over 127.0.0.1.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, ROOT, children, killAll, track, waitUntil } from './cli-process.ts';

const TIMEOUT = { timeout: 20_000 };

interface Server {
  port: number;
  url: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

async function startServer(port = 0, extra: string[] = []): Promise<Server> {
  const child = track(spawn(process.execPath, ['bin/server.js', '--port', String(port), '--host', '127.0.0.1', ...extra], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
  let log = '';
  const listeners = new Set<() => void>();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log += chunk;
    for (const poke of listeners) poke();
  });
  child.once('exit', () => {
    for (const poke of listeners) poke();
  });
  // The server logs `... info listening url=http://127.0.0.1:PORT/ ws=ws://127.0.0.1:PORT/ws`.
  const listening = (): RegExpMatchArray | null => /listening .*ws=ws:\/\/[^\s:]+:(\d+)\/ws/.exec(log);
  await waitUntil(() => listening() !== null || child.exitCode !== null, (poke) => (listeners.add(poke), () => listeners.delete(poke)), 'the server to listen');
  const match = listening();
  assert.ok(match, `server did not start:\n${log}`);
  const actual = Number(match[1]);
  return {
    port: actual,
    url: `ws://127.0.0.1:${actual}/ws`,
    process: child,
    stop: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

describe('wschat client (pipe mode)', () => {
  let server: Server;

  before(async () => {
    server = await startServer();
  });
  afterEach(() => {
    // Clients of a test never outlive it; the server lives for the suite.
    for (const child of children) if (child !== server.process) child.kill('SIGKILL');
  });
  after(() => killAll());

  test('alice and bob chat: message, ack, /list, dedup, /quit, clean exit on end of input', TIMEOUT, async () => {
    const alice = new Client(['alice', 'sports', '--url', server.url]);
    const welcomeA = await alice.welcome();
    assert.equal(welcomeA.username, 'alice');
    assert.equal(welcomeA.topic, 'sports');

    const bob = new Client(['bob', 'sports', '--url', server.url]);
    const welcomeB = await bob.welcome();
    assert.deepEqual(welcomeB.users, ['alice', 'bob']);
    await alice.frame((f) => f.type === 'joined' && f.username === 'bob', 'alice sees bob join');

    alice.write('hello bob');
    const message = await bob.frame((f) => f.type === 'message', 'bob gets the message');
    assert.equal(message.username, 'alice');
    assert.equal(message.message, 'hello bob');
    assert.equal(message.topic, 'sports');
    const ack = await alice.frame((f) => f.type === 'ack', 'alice gets the ack');
    assert.equal(ack.id, message.id);
    assert.equal(ack.ref, 1);
    assert.equal(ack.recipients, 1);

    bob.write('/list');
    const topics = await bob.frame((f) => f.type === 'topics', 'the /list reply');
    assert.deepEqual(topics.topics, [{ topic: 'sports', users: 2 }]);
    assert.match(topics.text, /sports \(2 users\)/);

    // A second alice is deduplicated.
    const alice2 = new Client(['alice', 'sports', '--url', server.url]);
    assert.equal((await alice2.welcome()).username, 'alice#2');
    await bob.frame((f) => f.type === 'joined' && f.username === 'alice#2', 'bob sees alice#2 join');

    // /quit: the server closes with 1000, the client exits 0, the others see it leave.
    alice2.write('/quit');
    assert.equal(await alice2.exited, 0);
    await bob.frame((f) => f.type === 'left' && f.username === 'alice#2', 'bob sees alice#2 leave');

    // End of input: the last message is acknowledged before the client closes and exits 0.
    bob.write('bye');
    bob.end();
    assert.equal(await bob.exited, 0);
    assert.ok(bob.frames.some((f) => f.type === 'ack' && f.ref === 1), 'bob got the ack of its message before leaving');
    await alice.frame((f) => f.type === 'message' && f.message === 'bye', 'alice gets bye');
    await alice.frame((f) => f.type === 'left' && f.username === 'bob', 'alice sees bob leave');

    alice.end();
    assert.equal(await alice.exited, 0);
    // Nothing but the server's frames on stdout, one JSON object per line.
    for (const client of [alice, alice2, bob]) {
      for (const line of client.lines) assert.equal(typeof JSON.parse(line).type, 'string', line);
    }
  });

  test('commands are sent raw: /who, /dm, unknown commands, and piped input ends cleanly', TIMEOUT, async () => {
    const carol = new Client(['carol', 'movies', '--url', server.url]);
    await carol.welcome();
    const dave = new Client(['dave', 'movies', '--url', server.url]);
    await dave.welcome();
    dave.write('/who');
    assert.deepEqual((await dave.frame((f) => f.type === 'users', '/who reply')).users, ['carol', 'dave']);
    dave.write('/dm carol psst');
    const dm = await carol.frame((f) => f.type === 'dm', 'the dm');
    assert.deepEqual([dm.from, dm.to, dm.message], ['dave', 'carol', 'psst']);
    assert.equal((await dave.frame((f) => f.type === 'ack', 'dm ack')).to, 'carol');
    dave.write('/nope');
    assert.equal((await dave.frame((f) => f.type === 'error', 'the error')).code, 'unknown_command');
    dave.end();
    carol.end();
    assert.equal(await dave.exited, 0);
    assert.equal(await carol.exited, 0);
  });

  test('a server close for a limit is reported with its code, exit 1, no reconnect', TIMEOUT, async () => {
    const erin = new Client(['erin', 'limits', '--url', server.url]);
    await erin.welcome();
    erin.write('x'.repeat(70_000)); // over the default 64 KiB max payload: closed with 1009
    assert.equal(await erin.exited, 1);
    assert.match(erin.stderr, /1009/);
    assert.doesNotMatch(erin.stderr, /reconnecting/);
  });

  test('bad arguments exit 2 with a message; --help exits 0', TIMEOUT, async () => {
    const bad = new Client(['--bogus']);
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr, /bogus/);
    const missing = new Client(['onlyname', '--url', server.url]);
    assert.equal(await missing.exited, 2);
    assert.match(missing.stderr, /required/);
    const help = new Client(['--help']);
    assert.equal(await help.exited, 0);
  });
});

describe('wschat client reconnects', () => {
  after(() => killAll());

  test('after the server dies it reconnects to the restarted server and rejoins', TIMEOUT, async () => {
    let server = await startServer();
    const port = server.port;
    const frank = new Client(['frank', 'sports', '--url', server.url]);
    await frank.welcome();

    await server.stop('SIGKILL');
    await frank.stderrMatches(/reconnecting/, 'a reconnecting notice');
    server = await startServer(port);

    const before = frank.frames.length;
    const welcome = await frank.welcome(before);
    assert.equal(welcome.username, 'frank');
    assert.equal(welcome.topic, 'sports');
    assert.match(frank.stderr, /rejoining sports as frank/);

    // Still usable: a message after the rejoin is acknowledged.
    frank.write('back again');
    await frank.frame((f) => f.type === 'ack', 'an ack after the rejoin', before);
    frank.end();
    assert.equal(await frank.exited, 0);
    await server.stop();
  });
});
