/**
 * The chat server over real sockets on 127.0.0.1: every scenario of the
 * contract, with our client and with the `ws` client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'node:http';
import { join, ourClient, sleep, wsClient, type ChatTestClient } from '../helpers/chat-client.ts';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';

const T = { timeout: 10_000 };

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

/** Sends a raw upgrade request and returns the HTTP status line's code. */
function upgradeStatus(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('chat server', () => {
  let server: RunningChatServer;
  const clients: ChatTestClient[] = [];
  const open = async (kind: 'ours' | 'ws' = 'ours'): Promise<ChatTestClient> => {
    const client = kind === 'ours' ? await ourClient(server.url) : await wsClient(server.url);
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startChatServer({ messageTtl: 1, idleTimeout: 0 });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('two users in one topic exchange messages both ways, with acks', T, async () => {
    const alice = await open('ours');
    const bob = await open('ws');
    const w1 = await join(alice, 'alice', 'exchange');
    assert.deepEqual(w1.users, ['alice']);
    const w2 = await join(bob, 'bob', 'exchange');
    assert.deepEqual(w2.users, ['alice', 'bob']);
    assert.equal(w2.messageTtl, 1);
    const joined = await alice.next('joined');
    assert.equal(joined.username, 'bob');

    alice.send({ message: 'Hello World', ref: 'a1' });
    const got = await bob.next('message');
    assert.equal(got.message, 'Hello World');
    assert.equal(got.username, 'alice');
    assert.equal(got.topic, 'exchange');
    assert.equal(typeof got.timestamp, 'number');
    const ack = await alice.next('ack');
    assert.equal(ack.id, got.id);
    assert.equal(ack.ref, 'a1');
    assert.equal(ack.recipients, 1);

    bob.send({ message: 'hi alice' });
    assert.equal((await alice.next('message')).message, 'hi alice');
    const ack2 = await bob.next('ack');
    assert.equal('ref' in ack2, false);
    assert.ok((ack2.id as number) > (ack.id as number), 'ids increase');
    // The sender never receives its own message.
    await sleep(50);
    assert.equal(alice.frames.filter((f) => f.type === 'message' && f.username === 'alice').length, 0);
  });

  it('dedups names case-insensitively with the lowest free suffix', T, async () => {
    const a = await open();
    const b = await open('ws');
    const c = await open();
    assert.equal((await join(a, 'alice', 'dedup')).username, 'alice');
    assert.equal((await join(b, 'ALICE', 'dedup')).username, 'ALICE#2');
    assert.equal((await join(c, 'Alice', 'dedup')).username, 'Alice#3');
  });

  it('/list shows every active topic with exact counts, before and after joining', T, async () => {
    const lobby = await open();
    const x1 = await open();
    const x2 = await open();
    const y1 = await open();
    await join(x1, 'u1', 'list-x');
    await join(x2, 'u2', 'list-x');
    await join(y1, 'u3', 'list-y');
    lobby.send('/list');
    const topics = await lobby.next('topics');
    const list = topics.topics as { topic: string; users: number }[];
    assert.deepEqual(list.find((t) => t.topic === 'list-x'), { topic: 'list-x', users: 2 });
    assert.deepEqual(list.find((t) => t.topic === 'list-y'), { topic: 'list-y', users: 1 });
    assert.match(topics.text as string, /^Active Topics:\n/);
    assert.match(topics.text as string, /\n- list-x \(2 users\)/);
    assert.match(topics.text as string, /\n- list-y \(1 user\)(\n|$)/);
    x1.send({ message: '/list' });
    assert.equal((await x1.next('topics')).type, 'topics');
  });

  it('messages expire from history and from memory after the TTL', T, async () => {
    const a = await open();
    const b = await open();
    await join(a, 'writer', 'expiry');
    a.send({ message: 'short-lived' });
    await a.next('ack');
    const early = await join(b, 'reader', 'expiry');
    assert.deepEqual((early.history as { message: string }[]).map((m) => m.message), ['short-lived']);
    const before = await getJson(`${server.http}/healthz`);
    assert.ok((before.storedMessages as number) >= 1);
    await sleep(1300);
    const c = await open();
    const late = await join(c, 'late', 'expiry');
    assert.deepEqual(late.history, []);
    const health = await getJson(`${server.http}/healthz`);
    assert.equal(health.storedMessages, 0);
  });

  it('a topic disappears with its messages when its last user leaves', T, async () => {
    const a = await open();
    await join(a, 'solo', 'vanishing');
    a.send({ message: 'kept until the topic empties' });
    await a.next('ack');
    a.send('/leave');
    const left = await a.next('left');
    assert.equal(left.topic, 'vanishing');
    a.send('/list');
    const topics = await a.next('topics');
    assert.equal((topics.topics as { topic: string }[]).some((t) => t.topic === 'vanishing'), false);
    // Rejoining finds no history: the messages went with the topic.
    const again = await join(a, 'solo', 'vanishing');
    assert.deepEqual(again.history, []);
  });

  it('invalid payloads get error frames and the connection stays usable', T, async () => {
    const a = await open('ws');
    const b = await open();
    a.send('not json');
    assert.equal((await a.next('error')).code, 'invalid_json');
    a.send({ message: 'too early' });
    assert.equal((await a.next('error')).code, 'not_joined');
    a.send({ username: '', topic: 'x' });
    assert.equal((await a.next('error')).code, 'invalid_join');
    a.send({ username: 'bad\u202ename', topic: 'x' });
    assert.equal((await a.next('error')).code, 'invalid_join');
    await join(a, 'robust', 'errors');
    await join(b, 'peer', 'errors');
    a.send({ message: 42 });
    assert.equal((await a.next('error')).code, 'invalid_message');
    a.send('[1,2,3]');
    assert.equal((await a.next('error')).code, 'invalid_message');
    a.send({ message: '   ' });
    assert.equal((await a.next('error')).code, 'empty_message');
    a.send({ message: 'x'.repeat(2001) });
    assert.equal((await a.next('error')).code, 'message_too_long');
    a.send('/nope');
    assert.equal((await a.next('error')).code, 'unknown_command');
    a.send('/dm nobody hello');
    assert.equal((await a.next('error')).code, 'user_not_found');
    a.sendBinary(Buffer.from([1, 2, 3]));
    assert.equal((await a.next('error')).code, 'unsupported_data');
    a.send('{"__proto__": {"polluted": true}, "message": "still fine"}');
    assert.equal((await b.next('message')).message, 'still fine');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // Still usable after all of that.
    a.send({ message: 'after the errors' });
    assert.equal((await b.next('message')).message, 'after the errors');
    await a.next('ack');
  });

  it('/who, /dm, typing and presence', T, async () => {
    const a = await open();
    const b = await open('ws');
    const c = await open();
    await join(a, 'ann', 'social');
    await join(b, 'ben', 'social');
    await join(c, 'cat', 'social');
    a.send('/who');
    assert.deepEqual((await a.next('users')).users, ['ann', 'ben', 'cat']);
    a.send({ message: '/dm ben secret', ref: 'd1' });
    const dm = await b.next('dm');
    assert.equal(dm.from, 'ann');
    assert.equal(dm.to, 'ben');
    assert.equal(dm.message, 'secret');
    const ack = await a.next('ack');
    assert.equal(ack.to, 'ben');
    assert.equal(ack.id, dm.id);
    assert.equal(ack.ref, 'd1');
    await sleep(50);
    assert.equal(c.frames.some((f) => f.type === 'dm'), false, 'a DM reaches only its recipient');

    b.send({ typing: true });
    const typing = await a.next('typing');
    assert.equal(typing.username, 'ben');
    assert.equal((await c.next('typing')).username, 'ben');

    c.send('/quit');
    assert.equal((await c.closed).code, 1000);
    const left = await a.next('left');
    assert.equal(left.username, 'cat');
    assert.equal(left.topic, 'social');
  });

  it('/join moves to another topic: left in the old, joined and dedup in the new', T, async () => {
    const a = await open();
    const b = await open();
    const c = await open();
    await join(a, 'mover', 'old-room');
    await join(b, 'stayer', 'old-room');
    await join(c, 'mover', 'new-room');
    a.send('/join new-room');
    const welcome = await a.next('welcome');
    assert.equal(welcome.topic, 'new-room');
    assert.equal(welcome.username, 'mover#2');
    assert.equal((await b.next('left')).username, 'mover');
    assert.equal((await c.next('joined')).username, 'mover#2');
    a.send({ message: 'in the new room' });
    assert.equal((await c.next('message')).message, 'in the new room');
    await sleep(50);
    assert.equal(b.frames.some((f) => f.type === 'message'), false, 'never crosses topics');
  });

  it('an abrupt TCP disconnect produces left for the others', T, async () => {
    const a = await open();
    const b = await open();
    await join(a, 'stays', 'abrupt');
    await join(b, 'drops', 'abrupt');
    b.destroy();
    const left = await a.next('left');
    assert.equal(left.username, 'drops');
  });

  it('serves /healthz and /metrics', T, async () => {
    const health = await getJson(`${server.http}/healthz`);
    assert.equal(health.status, 'ok');
    for (const key of ['connections', 'topics', 'storedMessages']) assert.equal(typeof health[key], 'number');
    const metrics = await (await fetch(`${server.http}/metrics`)).text();
    for (const name of ['chat_connections', 'chat_topics', 'chat_messages_stored', 'chat_messages_total']) {
      assert.match(metrics, new RegExp(`^${name} \\d+$`, 'm'));
    }
  });

  it('refuses upgrades on other paths, bad versions and foreign origins', T, async () => {
    assert.equal(await upgradeStatus(server.port, '/elsewhere'), 404);
    assert.equal(await upgradeStatus(server.port, '/ws', { 'Sec-WebSocket-Version': '8' }), 426);
    assert.equal(await upgradeStatus(server.port, '/ws', { 'Sec-WebSocket-Key': 'short' }), 400);
    assert.equal(await upgradeStatus(server.port, '/ws', { Origin: 'http://evil.example' }), 403);
    assert.equal(await upgradeStatus(server.port, '/ws', { Origin: `http://127.0.0.1:${server.port}` }), 101);
    assert.equal(await upgradeStatus(server.port, '/ws'), 101);
    const res = await fetch(`${server.http}/ws`);
    assert.equal(res.status, 426);
    assert.equal(res.headers.get('sec-websocket-version'), '13');
  });

  it('closes with 1009 for a message over --max-payload, others unaffected', T, async () => {
    const a = await open();
    const b = await open();
    await join(a, 'big', 'limits');
    await join(b, 'small', 'limits');
    a.send({ message: 'x'.repeat(70_000) });
    assert.equal((await a.closed).code, 1009);
    assert.equal((await b.next('left')).username, 'big');
    b.send({ message: 'still here' });
    await b.next('ack');
  });
});

describe('chat server timeouts and shutdown', () => {
  it('closes an unjoined connection with 1008 after the join timeout', T, async () => {
    const server = await startChatServer({ joinTimeout: 0.3 });
    try {
      const a = await ourClient(server.url);
      const { code } = await a.closed;
      assert.equal(code, 1008);
    } finally {
      await server.stop();
    }
  });

  it('closes an idle joined client with 1000 "idle" and tells the others', T, async () => {
    const server = await startChatServer({ idleTimeout: 0.5 });
    try {
      const a = await ourClient(server.url);
      const b = await ourClient(server.url);
      await join(a, 'idler', 'idle');
      await join(b, 'talker', 'idle');
      const keepAlive = setInterval(() => b.send({ typing: true }), 150);
      try {
        const closed = await a.closed;
        assert.deepEqual(closed, { code: 1000, reason: 'idle' });
        assert.equal((await b.next('left')).username, 'idler');
      } finally {
        clearInterval(keepAlive);
        b.destroy();
      }
    } finally {
      await server.stop();
    }
  });

  it('shutdown sends 1001 to every client', T, async () => {
    const server = await startChatServer();
    const a = await ourClient(server.url);
    const b = await wsClient(server.url);
    await join(a, 'one', 'bye');
    await server.stop();
    assert.equal((await a.closed).code, 1001);
    assert.equal((await b.closed).code, 1001);
  });
});
