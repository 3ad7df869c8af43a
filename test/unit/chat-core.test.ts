import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatNode } from '../../lib/chat/index.ts';
import type { ConnId, EdgeOptions, LocalEffect as Effect, ReplicaOptions } from '../../lib/chat/index.ts';
import { MemoryLog } from '../../lib/log/memory-log.ts';
import { frames } from '../../lib/chat/index.ts';

type ChatOptions = EdgeOptions & ReplicaOptions & { maxStoredPerTopic: number };

// ---- harness -------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Frame = any;

interface Delivery {
  to: ConnId;
  frame: Frame;
}

/**
 * The outcome of one core call, expanded at once: `broadcast.to` may be the
 * core's live array, valid only until the next call.
 */
class Result {
  readonly deliveries: Delivery[] = [];
  readonly closes: { conn: ConnId; code: number; reason: string }[] = [];
  readonly events: Extract<Effect, { type: 'event' }>[] = [];
  readonly effects: Effect[];
  constructor(all: Effect[]) {
    // Rate-limit drops are reported for the log and metrics; these tests look at the chat.
    const effects = all.filter((e) => !(e.type === 'event' && e.event === 'rate_limited'));
    this.effects = effects;
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          this.deliveries.push({ to: effect.to, frame: parseFrame(effect.frame) });
          break;
        case 'broadcast': {
          const frame = parseFrame(effect.frame);
          assert.equal(new Set(effect.to).size, effect.to.length, 'no duplicate recipients');
          let queued = 0;
          for (const to of effect.to) {
            if (to === effect.except) continue;
            this.deliveries.push({ to, frame });
            queued++;
          }
          const ack = effect.ack;
          if (ack !== undefined) {
            this.deliveries.push({ to: ack.to, frame: parseFrame(frames.ackFrame(ack.id, ack.ref, ack.timestamp, ack.remote + queued)) });
          }
          break;
        }
        case 'close':
          this.closes.push({ conn: effect.conn, code: effect.code, reason: effect.reason });
          break;
        case 'event':
          this.events.push(effect);
          break;
      }
    }
  }
  /** Frames for one connection, in write order. */
  for(conn: ConnId): Frame[] {
    return this.deliveries.filter((d) => d.to === conn).map((d) => d.frame);
  }
  only(conn: ConnId): Frame {
    const frames = this.for(conn);
    assert.equal(frames.length, 1, `exactly one frame for ${conn}: ${JSON.stringify(frames)}`);
    return frames[0];
  }
  recipientsOf(type: string): ConnId[] {
    return this.deliveries.filter((d) => d.frame.type === type).map((d) => d.to).sort((a, b) => a - b);
  }
}

function parseFrame(text: string): Frame {
  const frame = JSON.parse(text);
  assert.equal(typeof frame, 'object');
  assert.equal(typeof frame.type, 'string');
  if (frame.type === 'welcome') {
    // Every welcome brings a fresh token (tested on its own); the rest is compared whole.
    assert.match(frame.resumeToken, /^[A-Za-z0-9_-]{22,}$/);
    delete frame.resumeToken;
  }
  return frame;
}

const T0 = 1_700_000_000_000;

/** A core with a fake clock; timeouts and rate limit off unless asked for. */
class Chat {
  readonly core: ChatNode;
  now = T0;
  constructor(options: Partial<ChatOptions> = {}) {
    const log = new MemoryLog(() => this.now);
    const all = { joinTimeoutMs: 0, rateLimit: 0, ...options };
    this.core = new ChatNode({ processId: 'p', edge: all, replica: all }, log);
    log.subscribe((command, now) => this.core.apply(command, now));
  }
  connect(conn: ConnId): Result {
    return new Result(this.core.connect(conn, this.now));
  }
  text(conn: ConnId, text: string): Result {
    return new Result(this.core.receiveText(conn, text, this.now));
  }
  json(conn: ConnId, value: unknown): Result {
    return this.text(conn, JSON.stringify(value));
  }
  say(conn: ConnId, message: string, ref?: string | number): Result {
    return this.json(conn, ref === undefined ? { message } : { message, ref });
  }
  join(conn: ConnId, username: string, topic: string): Result {
    this.connect(conn);
    return this.json(conn, { username, topic });
  }
  disconnect(conn: ConnId, reason = 'disconnect'): Result {
    return new Result(this.core.disconnect(conn, 'close', reason, this.now));
  }
  tick(): Result {
    return new Result(this.core.tick(this.now));
  }
  stats() {
    const { connections, topics, storedMessages, messagesTotal } = this.core.stats(this.now);
    return { connections, topics, storedMessages, messagesTotal };
  }
}

function errorCode(result: Result, conn: ConnId): string {
  const frame = result.only(conn);
  assert.equal(frame.type, 'error', JSON.stringify(frame));
  assert.equal(typeof frame.message, 'string');
  assert.ok(frame.message.length > 0);
  return frame.code;
}

// ---- joining and names ---------------------------------------------------

test('join: welcome to the joiner, joined to the others, join event', () => {
  const chat = new Chat();
  const first = chat.join(1, ' alice ', 'sports');
  assert.deepEqual(first.only(1), {
    type: 'welcome', username: 'alice', topic: 'sports', messageTtl: 30, users: ['alice'], history: [],
  });
  assert.deepEqual(first.events, [{ type: 'event', event: 'join', conn: 1, username: 'alice', topic: 'sports' }]);
  const second = chat.join(2, 'bob', 'sports');
  assert.deepEqual(second.only(2).users, ['alice', 'bob']);
  assert.deepEqual(second.only(1), { type: 'joined', username: 'bob', topic: 'sports', timestamp: Math.floor(T0 / 1000) });
  assert.equal(second.effects[0]!.type, 'send', 'welcome is written first');
});

test('dedup: alice, alice#2, then Alice#3 (case-insensitive, typed case kept)', () => {
  const chat = new Chat();
  assert.equal(chat.join(1, 'alice', 'sports').only(1).username, 'alice');
  assert.equal(chat.join(2, 'ALICE', 'sports').only(2).username, 'ALICE#2');
  assert.equal(chat.join(3, 'Alice', 'sports').only(3).username, 'Alice#3');
  assert.equal(chat.join(4, 'alice', 'movies').only(4).username, 'alice', 'per topic');
  assert.deepEqual(chat.text(1, '/who').only(1), { type: 'users', topic: 'sports', users: ['alice', 'ALICE#2', 'Alice#3'] });
});

test('dedup takes the lowest free suffix after someone leaves', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'alice', 'sports');
  chat.join(3, 'alice', 'sports');
  chat.disconnect(2);
  assert.equal(chat.join(4, 'alice', 'sports').only(4).username, 'alice#2');
  assert.equal(chat.join(5, 'alice', 'sports').only(5).username, 'alice#4');
});

test('dedup checks each suffixed candidate case-insensitively', () => {
  const chat = new Chat();
  chat.join(1, 'bob', 't');
  chat.join(2, 'BOB#2', 't'); // typed literally
  assert.equal(chat.join(3, 'Bob', 't').only(3).username, 'Bob#3');
});

test('topics are case-sensitive: Sports and sports are two topics', () => {
  const chat = new Chat();
  chat.join(1, 'a', 'Sports');
  const r = chat.join(2, 'a', 'sports');
  assert.equal(r.only(2).username, 'a');
  assert.equal(chat.stats().topics, 2);
});

test('invalid join payloads get invalid_join and may retry', () => {
  const chat = new Chat();
  chat.connect(1);
  const bad: unknown[] = [
    {}, { username: 'a' }, { topic: 't' }, { username: '', topic: 't' }, { username: 'a', topic: '  ' },
    { username: 42, topic: 't' }, { username: 'a', topic: null }, { username: 'x'.repeat(33), topic: 't' },
    { username: 'a', topic: 't'.repeat(65) }, { username: 'a\u202E', topic: 't' }, { username: 'a', topic: 'z\u200B' },
    { foo: 1 },
  ];
  for (const payload of bad) assert.equal(errorCode(chat.json(1, payload), 1), 'invalid_join', JSON.stringify(payload));
  assert.equal(chat.json(1, { username: 'a', topic: 't' }).only(1).type, 'welcome');
});

test('a join payload while joined is invalid_message pointing at /join', () => {
  const chat = new Chat();
  chat.join(1, 'a', 't');
  const r = chat.json(1, { username: 'b', topic: 'u' });
  assert.equal(errorCode(r, 1), 'invalid_message');
  assert.match(r.only(1).message, /\/join/);
  assert.equal(errorCode(chat.json(1, { topic: 'u' }), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, { foo: 'u' }), 1), 'invalid_message');
});

// ---- messages --------------------------------------------------------------

test('message: broadcast to the others (not the sender, not other topics), then ack', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  chat.join(3, 'carol', 'sports');
  chat.join(4, 'dave', 'movies');
  chat.now += 1500;
  const r = chat.say(1, 'Hello World', 'r1');
  // One broadcast effect carries the ack: its count is what was really queued.
  assert.equal(r.effects.length, 1);
  assert.equal(r.effects[0]!.type, 'broadcast');
  const ts = Math.floor(chat.now / 1000);
  // Ids come from the log time in microseconds, so they stay above every earlier id after a restart.
  const id = chat.now * 1000;
  const message = { type: 'message', id, topic: 'sports', username: 'alice', message: 'Hello World', timestamp: ts };
  assert.deepEqual(r.only(2), message);
  assert.deepEqual(r.only(3), message);
  assert.deepEqual(r.for(4), []);
  assert.deepEqual(r.only(1), { type: 'ack', id, ref: 'r1', timestamp: ts, recipients: 2 });
});

test('ack recipients counts, ref echoed as given or absent, ids increase', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  const alone = chat.say(1, 'anyone?');
  assert.deepEqual(alone.effects.map((e) => e.type), ['send'], 'no broadcast to nobody');
  assert.equal(alone.only(1).recipients, 0);
  assert.equal(Object.hasOwn(alone.only(1), 'ref'), false);
  chat.join(2, 'bob', 'sports');
  const numeric = chat.say(1, 'hi', 7);
  assert.equal(numeric.only(1).ref, 7);
  assert.equal(numeric.only(1).recipients, 1);
  const ids = [alone.only(1).id, numeric.only(1).id];
  for (let i = 0; i < 5; i++) ids.push(chat.say(2, `m${i}`).only(2).id);
  // Within one millisecond of log time, each id is the previous one plus one.
  assert.deepEqual(ids.map((id) => id - ids[0]), [0, 1, 2, 3, 4, 5, 6]);
});

test('messages are sent as typed (not trimmed); newlines and tabs allowed', () => {
  const chat = new Chat();
  chat.join(1, 'a', 't');
  chat.join(2, 'b', 't');
  assert.equal(chat.say(1, '  two\n\tlines  ').only(2).message, '  two\n\tlines  ');
});

test('message errors: empty_message, message_too_long, invalid_message', () => {
  const chat = new Chat({ maxMessageLength: 10 });
  chat.join(1, 'a', 't');
  chat.join(2, 'b', 't');
  assert.equal(errorCode(chat.say(1, ''), 1), 'empty_message');
  assert.equal(errorCode(chat.say(1, ' \n\t '), 1), 'empty_message');
  assert.equal(errorCode(chat.say(1, 'x'.repeat(11)), 1), 'message_too_long');
  assert.equal(chat.say(1, '😀'.repeat(10)).only(2).message, '😀'.repeat(10));
  assert.equal(errorCode(chat.say(1, 'bell\u0007'), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, { message: 42 }), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, { message: null }), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, { message: 'x', ref: {} }), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, { message: 'x', ref: 'r'.repeat(129) }), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, [1, 2]), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, 'hello'), 1), 'invalid_message');
  assert.equal(errorCode(chat.text(1, 'null'), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, {}), 1), 'invalid_message');
  assert.equal(errorCode(chat.text(1, 'hello'), 1), 'invalid_json');
  assert.equal(errorCode(chat.text(1, '{"message":'), 1), 'invalid_json');
  assert.equal(chat.stats().messagesTotal, 1, 'only the valid message counted');
});

test('lobby: messages and typing are not_joined, non-objects invalid_message, junk invalid_json', () => {
  const chat = new Chat();
  chat.connect(1);
  assert.equal(errorCode(chat.say(1, 'hi'), 1), 'not_joined');
  assert.equal(errorCode(chat.json(1, { message: 42 }), 1), 'not_joined');
  assert.equal(errorCode(chat.json(1, { typing: true }), 1), 'not_joined');
  assert.equal(errorCode(chat.json(1, [1]), 1), 'invalid_message');
  assert.equal(errorCode(chat.text(1, '7'), 1), 'invalid_message');
  assert.equal(errorCode(chat.text(1, 'hi'), 1), 'invalid_json');
});

test('__proto__ keys never reach a prototype', () => {
  const chat = new Chat();
  chat.connect(1);
  const r = chat.text(1, '{"__proto__":{"username":"a","topic":"t"}}');
  assert.equal(errorCode(r, 1), 'invalid_join');
  assert.equal(chat.text(1, '{"__proto__":{"x":1},"username":"a","topic":"t"}').only(1).type, 'welcome');
  assert.equal(errorCode(chat.text(1, '{"__proto__":{"message":"hi"}}'), 1), 'invalid_message');
  chat.join(2, '__proto__', 'constructor');
  assert.equal(chat.join(3, '__proto__', 'constructor').only(3).username, '__proto__#2');
  assert.deepEqual(chat.text(2, '/who').only(2).users, ['__proto__', '__proto__#2']);
  assert.equal(({} as Record<string, unknown>)['username'], undefined);
});

// ---- history, expiry, stats ----------------------------------------------

test('history on join holds unexpired messages, oldest first, in message shape', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  const sent = [chat.say(1, 'one'), chat.say(1, 'two'), chat.say(1, 'three')];
  chat.join(9, 'x', 'movies');
  chat.say(9, 'elsewhere');
  const welcome = chat.join(2, 'bob', 'sports').only(2);
  assert.deepEqual(welcome.history.map((m: Frame) => m.message), ['one', 'two', 'three']);
  assert.deepEqual(welcome.history[0], {
    type: 'message', id: sent[0]!.only(1).id, topic: 'sports', username: 'alice', message: 'one',
    timestamp: Math.floor(T0 / 1000),
  });
});

test('expiry boundary: present at ttl-1 ms, gone at ttl (lazily and by tick)', () => {
  const chat = new Chat({ messageTtlMs: 30_000 });
  chat.join(1, 'alice', 'sports');
  chat.say(1, 'soon gone');
  assert.equal(chat.core.nextDeadline(), T0 + 30_000);
  chat.now = T0 + 29_999;
  assert.equal(chat.join(2, 'bob', 'sports').only(2).history.length, 1);
  assert.deepEqual(chat.tick().effects, []);
  assert.equal(chat.stats().storedMessages, 1);
  chat.now = T0 + 30_000;
  assert.equal(chat.join(3, 'carol', 'sports').only(3).history.length, 0, 'lazy: before any tick');
  assert.equal(chat.stats().storedMessages, 0);
  assert.deepEqual(chat.tick().effects, []);
  assert.equal(chat.core.nextDeadline(), undefined);
});

test('tick expires in order; nextDeadline follows the oldest live message', () => {
  const chat = new Chat({ messageTtlMs: 1000 });
  chat.join(1, 'a', 't');
  chat.join(2, 'b', 'u');
  chat.say(1, 'm1');
  chat.now += 100;
  chat.say(2, 'm2');
  chat.now += 100;
  chat.say(1, 'm3');
  assert.equal(chat.core.nextDeadline(), T0 + 1000);
  chat.now = T0 + 1000;
  chat.tick();
  assert.equal(chat.core.nextDeadline(), T0 + 1100);
  assert.equal(chat.stats().storedMessages, 2);
  chat.now = T0 + 1150;
  assert.equal(chat.stats().storedMessages, 1);
  chat.join(3, 'c', 't');
  chat.now = T0 + 1199;
  assert.deepEqual(chat.join(4, 'd', 't').only(4).history.map((m: Frame) => m.message), ['m3']);
});

test('stats: connections, topics, stored messages, totals; a topic empties -> messages dropped at once', () => {
  const chat = new Chat();
  chat.connect(7); // lobby connections count too
  chat.join(1, 'a', 'sports');
  chat.join(2, 'b', 'sports');
  chat.join(3, 'c', 'movies');
  chat.say(1, 'x');
  chat.say(2, 'y');
  chat.say(3, 'z');
  assert.deepEqual(chat.stats(), { connections: 4, topics: 2, storedMessages: 3, messagesTotal: 3 });
  chat.disconnect(3);
  assert.deepEqual(chat.stats(), { connections: 3, topics: 1, storedMessages: 2, messagesTotal: 3 });
  chat.disconnect(1);
  assert.equal(chat.stats().storedMessages, 2, 'topic still has bob');
  chat.disconnect(2);
  assert.deepEqual(chat.stats(), { connections: 1, topics: 0, storedMessages: 0, messagesTotal: 3 });
  assert.equal(chat.core.nextDeadline(), undefined, 'dead records do not wake the timer');
  // A new topic of the same name starts empty.
  assert.deepEqual(chat.join(4, 'd', 'sports').only(4).history, []);
  chat.now += 60_000;
  chat.tick();
  assert.equal(chat.stats().storedMessages, 0);
});

test('maxStoredPerTopic drops the oldest', () => {
  const chat = new Chat({ maxStoredPerTopic: 2 });
  chat.join(1, 'a', 't');
  for (const m of ['1', '2', '3', '4']) chat.say(1, m);
  assert.equal(chat.stats().storedMessages, 2);
  assert.deepEqual(chat.join(2, 'b', 't').only(2).history.map((m: Frame) => m.message), ['3', '4']);
  chat.now += 30_000;
  chat.tick();
  assert.equal(chat.stats().storedMessages, 0);
});

// ---- commands --------------------------------------------------------------

test('/list: creation order, 1 user vs 2 users, (none), case-insensitive, raw or in message', () => {
  const chat = new Chat();
  chat.connect(9);
  assert.deepEqual(chat.text(9, '/list').only(9), { type: 'topics', topics: [], text: 'Active Topics:\n(none)' });
  chat.join(1, 'a', 'sports');
  chat.join(2, 'b', 'movies');
  chat.join(3, 'c', 'sports');
  const expected = {
    type: 'topics',
    topics: [{ topic: 'sports', users: 2 }, { topic: 'movies', users: 1 }],
    text: 'Active Topics:\n- sports (2 users)\n- movies (1 user)',
  };
  assert.deepEqual(chat.text(9, '/list').only(9), expected);
  assert.deepEqual(chat.text(1, '/LIST').only(1), expected);
  const viaMessage = chat.say(1, '/list');
  assert.deepEqual(viaMessage.only(1), expected);
  assert.deepEqual(viaMessage.for(3), [], 'commands are never broadcast');
  assert.equal(chat.stats().storedMessages, 0, 'commands are never stored');
});

test('/help lists every command, before and after join', () => {
  const chat = new Chat();
  chat.connect(1);
  const help = chat.text(1, '/help').only(1);
  assert.equal(help.type, 'help');
  for (const command of ['/list', '/who', '/join', '/dm', '/leave', '/help', '/quit']) assert.ok(help.text.includes(command), command);
  chat.json(1, { username: 'a', topic: 't' });
  assert.equal(chat.text(1, '/Help').only(1).type, 'help');
});

test('commands: unknown_command, not_joined before join', () => {
  const chat = new Chat();
  chat.connect(1);
  assert.equal(errorCode(chat.text(1, '/xyz'), 1), 'unknown_command');
  assert.equal(errorCode(chat.text(1, '/'), 1), 'unknown_command');
  for (const command of ['/who', '/join movies', '/dm bob hi', '/leave']) {
    assert.equal(errorCode(chat.text(1, command), 1), 'not_joined', command);
  }
  assert.equal(errorCode(chat.say(1, '/who'), 1), 'not_joined');
  chat.json(1, { username: 'a', topic: 't' });
  assert.equal(errorCode(chat.text(1, '/xyz'), 1), 'unknown_command');
  assert.equal(errorCode(chat.say(1, '/xyz'), 1), 'unknown_command');
});

test('/join moves: left to the old topic, welcome and joined in the new, deduplicated from the typed name', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'alice', 'sports'); // alice#2
  chat.join(3, 'bob', 'sports');
  chat.join(4, 'ALICE', 'movies');
  chat.join(5, 'carol', 'movies');
  chat.json(5, { message: 'movie talk' });
  const r = chat.text(2, '/join  movies ');
  const ts = Math.floor(T0 / 1000);
  assert.deepEqual(r.recipientsOf('left'), [1, 3]);
  assert.deepEqual(r.only(1), { type: 'left', username: 'alice#2', topic: 'sports', timestamp: ts });
  const welcome = r.only(2);
  assert.equal(welcome.type, 'welcome');
  assert.equal(welcome.topic, 'movies');
  assert.equal(welcome.username, 'alice#2', 'deduplicated again from "alice" against ALICE');
  assert.deepEqual(welcome.users, ['ALICE', 'carol', 'alice#2']);
  assert.deepEqual(welcome.history.map((m: Frame) => m.message), ['movie talk']);
  assert.deepEqual(r.recipientsOf('joined'), [4, 5]);
  assert.deepEqual(r.events.map((e) => [e.event, e.topic, e.reason]), [['leave', 'sports', 'join'], ['join', 'movies', undefined]]);
  const types = r.effects.map((e) => e.type);
  assert.deepEqual(types, ['broadcast', 'event', 'send', 'broadcast', 'event']);
  // In an empty topic the base name is free again.
  const alone = chat.text(1, '/join fresh');
  assert.equal(alone.only(1).username, 'alice');
});

test('/join to the current topic just sends a fresh welcome; invalid topic is invalid_join', () => {
  const chat = new Chat();
  chat.join(1, 'a', 'sports');
  chat.join(2, 'b', 'sports');
  const same = chat.text(1, '/join sports');
  assert.equal(same.effects.length, 1);
  assert.deepEqual(same.only(1).users, ['a', 'b']);
  assert.equal(errorCode(chat.text(1, '/join'), 1), 'invalid_join');
  assert.equal(errorCode(chat.text(1, '/join    '), 1), 'invalid_join');
  assert.equal(errorCode(chat.text(1, `/join ${'x'.repeat(65)}`), 1), 'invalid_join');
  assert.equal(errorCode(chat.text(1, '/join bad\u202Etopic'), 1), 'invalid_join');
});

test('/leave: others get left, sender gets left, back in the lobby, may rejoin; join timeout restarts', () => {
  const chat = new Chat({ joinTimeoutMs: 5000 });
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  chat.now += 10_000;
  const r = chat.text(1, '/leave');
  const left = { type: 'left', username: 'alice', topic: 'sports', timestamp: Math.floor(chat.now / 1000) };
  assert.deepEqual(r.only(2), left);
  assert.deepEqual(r.only(1), left);
  assert.equal(r.effects[0]!.type, 'broadcast');
  assert.deepEqual(r.events.map((e) => e.reason), ['leave']);
  assert.equal(errorCode(chat.say(1, 'hi'), 1), 'not_joined');
  assert.equal(chat.core.nextDeadline(), chat.now + 5000);
  const rejoin = chat.json(1, { username: 'alice', topic: 'movies' });
  assert.equal(rejoin.only(1).type, 'welcome');
  assert.equal(chat.core.nextDeadline(), undefined);
});

test('/quit: others get left, then close 1000 quit; later disconnect is a no-op', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  const r = chat.text(1, '/QUIT');
  assert.deepEqual(r.effects.map((e) => e.type), ['broadcast', 'event', 'close']);
  assert.equal(r.only(2).type, 'left');
  assert.deepEqual(r.closes, [{ conn: 1, code: 1000, reason: 'quit' }]);
  assert.equal(r.events[0]!.reason, 'quit');
  assert.deepEqual(r.for(1), []);
  assert.deepEqual(chat.disconnect(1).effects, []);
  assert.equal(chat.stats().connections, 1);
  chat.connect(3);
  assert.deepEqual(chat.text(3, '/quit').effects, [{ type: 'close', conn: 3, code: 1000, reason: 'quit' }]);
});

test('disconnect: others get left with the reason in the event, nothing to the gone connection', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  const r = chat.disconnect(1, 'reset');
  assert.equal(r.only(2).type, 'left');
  assert.deepEqual(r.for(1), []);
  assert.deepEqual(r.events, [{ type: 'event', event: 'leave', conn: 1, username: 'alice', topic: 'sports', reason: 'reset' }]);
  assert.deepEqual(chat.disconnect(1).effects, []);
  assert.deepEqual(chat.text(1, '/list').effects, [], 'unknown connection');
  assert.deepEqual(new Result(chat.core.receiveBinary(1, chat.now)).effects, []);
});

test('/who lists users in join order', () => {
  const chat = new Chat();
  chat.join(1, 'zed', 't');
  chat.join(2, 'amy', 't');
  chat.join(3, 'other', 'u');
  assert.deepEqual(chat.text(2, '/who').only(2), { type: 'users', topic: 't', users: ['zed', 'amy'] });
});

// ---- DMs ---------------------------------------------------------------------

test('/dm: recipient gets dm, sender gets ack with to; shares the id counter; not stored', () => {
  const chat = new Chat();
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'Bob', 'sports');
  chat.join(3, 'carol', 'sports');
  chat.say(1, 'public');
  const r = chat.json(1, { message: '/dm bob hi there', ref: 'd1' });
  const ts = Math.floor(T0 / 1000);
  const id = r.only(1).id;
  assert.deepEqual(r.only(2), { type: 'dm', id, from: 'alice', to: 'Bob', message: 'hi there', timestamp: ts });
  assert.deepEqual(r.only(1), { type: 'ack', id, ref: 'd1', timestamp: ts, recipients: 1, to: 'Bob' });
  assert.deepEqual(r.for(3), []);
  assert.equal(r.effects[0]!.type === 'send' && r.effects[0]!.to, 2, 'dm written before the ack');
  assert.equal(chat.say(1, 'next').only(1).id, id + 1, 'one counter for messages and DMs');
  assert.equal(chat.stats().storedMessages, 2);
  assert.equal(chat.stats().messagesTotal, 3);
});

test('/dm: names with spaces, longest matching prefix, suffixed names, self', () => {
  const chat = new Chat();
  chat.join(1, 'bob', 't');
  chat.join(2, 'bob smith', 't');
  chat.join(3, 'amy', 't');
  chat.join(4, 'amy', 't'); // amy#2
  const spaced = chat.text(3, '/dm Bob Smith  hello you');
  assert.deepEqual(spaced.only(2).message, 'hello you');
  assert.equal(spaced.only(3).to, 'bob smith');
  assert.equal(chat.text(3, '/dm bob hello').only(1).message, 'hello');
  assert.equal(chat.text(3, '/dm bob smithers').only(1).message, 'smithers');
  assert.equal(chat.text(1, '/dm amy#2 psst').only(4).from, 'bob');
  const self = chat.text(3, '/dm amy note to self');
  assert.deepEqual(self.for(3).map((f: Frame) => f.type), ['dm', 'ack']);
  assert.equal(chat.text(3, '/dm bob multi\nline').only(1).message, 'multi\nline');
});

test('/dm errors: user_not_found, empty_message, invalid_message, other topic', () => {
  const chat = new Chat({ maxMessageLength: 5 });
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  chat.join(3, 'carol', 'movies');
  assert.equal(errorCode(chat.text(1, '/dm nobody hi'), 1), 'user_not_found');
  assert.equal(errorCode(chat.text(1, '/dm carol hi'), 1), 'user_not_found', 'never crosses topics');
  assert.equal(errorCode(chat.text(1, '/dm bob'), 1), 'empty_message');
  assert.equal(errorCode(chat.text(1, '/dm bob    '), 1), 'empty_message');
  assert.equal(errorCode(chat.text(1, '/dm'), 1), 'invalid_message');
  assert.equal(errorCode(chat.text(1, '/dm   '), 1), 'invalid_message');
  assert.equal(errorCode(chat.text(1, '/dm bob toolong'), 1), 'message_too_long');
  assert.equal(errorCode(chat.text(1, '/dm bob a\u0000'), 1), 'invalid_message');
  assert.equal(errorCode(chat.json(1, { message: '/dm bob hi', ref: [] }), 1), 'invalid_message');
  assert.equal(chat.stats().messagesTotal, 0);
});

// ---- typing ----------------------------------------------------------------

test('typing: true broadcasts to the others, throttled; false ignored; non-boolean invalid', () => {
  const chat = new Chat({ typingIntervalMs: 1000 });
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  chat.join(3, 'carol', 'movies');
  const r = chat.json(1, { typing: true });
  assert.deepEqual(r.only(2), { type: 'typing', username: 'alice', topic: 'sports' });
  assert.deepEqual(r.for(1), []);
  assert.deepEqual(r.for(3), []);
  chat.now += 999;
  assert.deepEqual(chat.json(1, { typing: true }).effects, [], 'throttled silently');
  assert.equal(chat.json(2, { typing: true }).only(1).type, 'typing', 'per user');
  chat.now += 1;
  assert.equal(chat.json(1, { typing: true }).only(2).type, 'typing');
  assert.deepEqual(chat.json(1, { typing: false }).effects, []);
  assert.equal(errorCode(chat.json(1, { typing: 'yes' }), 1), 'invalid_message');
});

// ---- timeouts ----------------------------------------------------------------

test('join timeout closes a lobby connection with 1008', () => {
  const chat = new Chat({ joinTimeoutMs: 30_000 });
  chat.connect(1);
  chat.now += 10_000;
  chat.connect(2);
  chat.join(3, 'c', 't');
  assert.equal(chat.core.nextDeadline(), T0 + 30_000);
  chat.now = T0 + 29_999;
  assert.deepEqual(chat.tick().effects, []);
  chat.now = T0 + 30_000;
  assert.deepEqual(chat.tick().effects, [{ type: 'close', conn: 1, code: 1008, reason: 'join timeout' }]);
  assert.equal(chat.core.nextDeadline(), T0 + 40_000);
  assert.deepEqual(chat.disconnect(1).effects, []);
  chat.json(2, { username: 'b', topic: 't' });
  assert.equal(chat.core.nextDeadline(), undefined);
  chat.now += 100_000;
  assert.deepEqual(chat.tick().effects, [], 'joined connections have no join timeout');
});

test('join timeout 0 is off', () => {
  const chat = new Chat({ joinTimeoutMs: 0 });
  chat.connect(1);
  assert.equal(chat.core.nextDeadline(), undefined);
  chat.now += 1e9;
  assert.deepEqual(chat.tick().effects, []);
});

test('idle timeout: others get left (idle), then close 1000 idle; activity postpones; lobby exempt', () => {
  const chat = new Chat({ idleTimeoutMs: 60_000 });
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  chat.join(3, 'carol', 'sports');
  chat.connect(4);
  assert.equal(chat.core.nextDeadline(), T0 + 60_000);
  chat.now = T0 + 30_000;
  chat.say(2, 'still here');
  chat.json(3, { typing: true });
  chat.now = T0 + 59_999;
  assert.deepEqual(chat.tick().effects, []);
  chat.now = T0 + 60_000;
  const r = chat.tick();
  assert.deepEqual(r.closes, [{ conn: 1, code: 1000, reason: 'idle' }]);
  assert.deepEqual(r.recipientsOf('left'), [2, 3]);
  assert.equal(r.events[0]!.reason, 'idle');
  assert.deepEqual(r.effects.map((e) => e.type), ['broadcast', 'event', 'close']);
  const next = chat.core.nextDeadline()!;
  assert.ok(next >= T0 + 90_000 && next <= T0 + 91_000, String(next));
  chat.now = T0 + 91_000;
  const both = chat.tick();
  assert.deepEqual(both.closes.map((c) => c.conn), [2, 3]);
  // carol gets bob's left; nobody gets anything after their own close
  assert.deepEqual(both.recipientsOf('left'), [3]);
  assert.equal(chat.stats().connections, 1, 'lobby connection stays');
  assert.equal(chat.core.nextDeadline(), undefined);
});

test('effects of one tick stay valid while several members of a topic time out', () => {
  const chat = new Chat({ idleTimeoutMs: 1000 });
  for (let i = 1; i <= 4; i++) chat.join(i, `u${i}`, 't');
  chat.now += 500;
  chat.say(4, 'awake');
  chat.now = T0 + 1000;
  const r = chat.tick();
  assert.deepEqual(r.closes.map((c) => c.conn), [1, 2, 3]);
  // u4 got all three left frames, u2 got u1's, u3 got u1's and u2's.
  assert.equal(r.for(4).length, 3);
  assert.equal(r.for(2).length, 1);
  assert.equal(r.for(3).length, 2);
});

// ---- rate limiting -------------------------------------------------------------

test('rate limit: burst of 2x, then rate_limited (at most one per second), refill', () => {
  const chat = new Chat({ rateLimit: 5 });
  chat.join(1, 'a', 't'); // the join costs a token
  for (let i = 0; i < 9; i++) assert.equal(chat.say(1, `m${i}`).only(1).type, 'ack', `frame ${i}`);
  assert.equal(errorCode(chat.say(1, 'over'), 1), 'rate_limited');
  assert.deepEqual(chat.say(1, 'over').effects, [], 'silent drop within the second');
  assert.deepEqual(new Result(chat.core.receiveBinary(1, chat.now)).effects, [], 'binary counts too');
  chat.now += 200; // one token
  assert.equal(chat.say(1, 'ok').only(1).type, 'ack');
  assert.deepEqual(chat.say(1, 'over').effects, []);
  chat.now += 800; // four tokens
  for (let i = 0; i < 4; i++) assert.equal(chat.say(1, 'ok').only(1).type, 'ack');
  assert.equal(errorCode(chat.json(1, { typing: true }), 1), 'rate_limited', 'a second later another error');
  chat.now += 5000; // quiet: bucket full, limit run over
  for (let i = 0; i < 10; i++) assert.equal(chat.say(1, `n${i}`).only(1).type, 'ack');
  assert.equal(chat.stats().connections, 1);
});

test('rate limit: sustained flooding closes with 1008 after rateLimitCloseAfterMs; others get left', () => {
  const chat = new Chat({ rateLimit: 5, rateLimitCloseAfterMs: 2000 });
  chat.join(1, 'flooder', 't');
  chat.join(2, 'victim', 't');
  const start = chat.now;
  let closed: Result | undefined;
  let accepted = 0;
  while (chat.now - start < 5000) {
    const r = chat.say(1, 'spam');
    if (r.for(1).some((f: Frame) => f.type === 'ack')) accepted++;
    if (r.closes.length > 0) {
      closed = r;
      break;
    }
    chat.now += 10;
  }
  assert.ok(closed, 'closed');
  assert.ok(accepted > 10, 'some frames got through on refill, yet still closed');
  assert.equal(chat.now - start >= 2000 && chat.now - start < 2200, true, String(chat.now - start));
  assert.deepEqual(closed.closes, [{ conn: 1, code: 1008, reason: 'rate limit' }]);
  assert.deepEqual(closed.effects.map((e) => e.type), ['broadcast', 'event', 'close']);
  assert.equal(closed.only(2).type, 'left');
  assert.equal(closed.events[0]!.reason, 'rate_limit');
  assert.deepEqual(chat.disconnect(1).effects, []);
});

test('rate limit applies in the lobby and to binary; binary is unsupported_data', () => {
  const chat = new Chat({ rateLimit: 1, rateLimitCloseAfterMs: 2000 });
  chat.connect(1);
  assert.equal(errorCode(new Result(chat.core.receiveBinary(1, chat.now)), 1), 'unsupported_data');
  assert.equal(errorCode(chat.text(1, 'junk'), 1), 'invalid_json');
  assert.equal(errorCode(new Result(chat.core.receiveBinary(1, chat.now)), 1), 'rate_limited');
  chat.now += 2000;
  assert.deepEqual(new Result(chat.core.receiveBinary(1, chat.now)).closes, [], 'refilled');
  chat.text(1, '/list');
  chat.now += 1;
  for (let i = 0; i < 400 && chat.stats().connections > 0; i++, chat.now += 10) chat.text(1, '/list');
  assert.equal(chat.stats().connections, 0, 'lobby flooder closed too');
});

test('rate limit 0 is off', () => {
  const chat = new Chat({ rateLimit: 0 });
  chat.join(1, 'a', 't');
  for (let i = 0; i < 1000; i++) assert.equal(chat.say(1, 'x').only(1).type, 'ack');
});

// ---- isolation and robustness ----------------------------------------------------

test('broadcasts never include the sender and never cross topics', () => {
  const chat = new Chat();
  const topicOf = new Map<ConnId, string>();
  for (let i = 1; i <= 12; i++) {
    const topic = `t${i % 3}`;
    topicOf.set(i, topic);
    chat.join(i, `u${i}`, topic);
  }
  for (let i = 1; i <= 12; i++) {
    for (const r of [chat.say(i, `hello from ${i}`), chat.json(i, { typing: true })]) {
      for (const d of r.deliveries) {
        if (d.frame.type === 'ack') {
          assert.equal(d.to, i);
          assert.equal(d.frame.recipients, 3);
          continue;
        }
        assert.notEqual(d.to, i, 'not the sender');
        assert.equal(topicOf.get(d.to), topicOf.get(i), 'same topic');
      }
      assert.equal(r.deliveries.filter((d) => d.to !== i).length, 3);
    }
  }
});

function randomString(rand: () => number): string {
  const pieces = [
    '/', '/dm ', '/join ', '/leave', '/quit', '/list', '/who', '/help', '/DM', ' ', '\n', '\u0000', '\u202E', '😀',
    '{', '}', '[', ']', '"', ':', ',', 'message', 'username', 'topic', 'typing', 'ref', '__proto__', 'true', 'null',
    '1', '-0', '1e999', 'alice', 'bob', 'sports', '\\u0000', '\\ud800', '#2',
  ];
  let s = '';
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    s += rand() < 0.7 ? pieces[Math.floor(rand() * pieces.length)] : String.fromCharCode(Math.floor(rand() * 0x10000));
  }
  return s;
}

function randomValue(rand: () => number, depth = 0): unknown {
  const r = rand();
  if (depth > 3 || r < 0.3) {
    const scalars = [null, true, false, 0, -1, 1.5, 1e308, '', 'x', 'alice', 'sports', '/list', '/dm alice hi', ' ', 'a'.repeat(3000)];
    return rand() < 0.5 ? scalars[Math.floor(rand() * scalars.length)] : randomString(rand);
  }
  if (r < 0.4) return Array.from({ length: Math.floor(rand() * 3) }, () => randomValue(rand, depth + 1));
  const keys = ['message', 'username', 'topic', 'typing', 'ref', '__proto__', 'constructor', 'x'];
  const object: Record<string, unknown> = {};
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    Object.defineProperty(object, keys[Math.floor(rand() * keys.length)]!, {
      value: randomValue(rand, depth + 1), enumerable: true, configurable: true, writable: true,
    });
  }
  return object;
}

test('fuzz: random text, JSON and timing never throw and keep the state consistent', () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const chat = new Chat({ rateLimit: 20, joinTimeoutMs: 5000, idleTimeoutMs: 8000, messageTtlMs: 3000, maxStoredPerTopic: 20 });
  const open = new Set<ConnId>();
  let nextConn = 1;
  const check = (r: Result): void => {
    for (const d of r.deliveries) assert.ok(open.has(d.to), `delivery to closed ${d.to}`);
    for (const c of r.closes) {
      assert.ok(open.has(c.conn));
      open.delete(c.conn);
    }
  };
  for (let step = 0; step < 5000; step++) {
    chat.now += Math.floor(rand() * 50);
    const action = rand();
    if (action < 0.05 || open.size === 0) {
      const id = nextConn++;
      open.add(id);
      check(chat.connect(id));
      if (rand() < 0.8) check(chat.json(id, { username: ['alice', 'Alice', 'bob', 'b o b'][id % 4], topic: ['sports', 'movies'][id % 2] }));
      continue;
    }
    const conns = [...open];
    const conn = conns[Math.floor(rand() * conns.length)]!;
    if (action < 0.08) {
      check(chat.disconnect(conn));
      open.delete(conn);
    } else if (action < 0.1) {
      check(new Result(chat.core.receiveBinary(conn, chat.now)));
    } else if (action < 0.15) {
      check(chat.tick());
    } else if (action < 0.5) {
      check(chat.text(conn, randomString(rand)));
    } else {
      check(chat.text(conn, JSON.stringify(randomValue(rand)) ?? 'undefined'));
    }
    const deadline = chat.core.nextDeadline();
    assert.ok(deadline === undefined || Number.isFinite(deadline));
    const stats = chat.stats();
    assert.equal(stats.connections, open.size);
    assert.ok(stats.storedMessages >= 0 && stats.storedMessages <= stats.topics * 20);
  }
  // Everyone leaves: nothing is left behind.
  for (const conn of open) check(chat.disconnect(conn));
  assert.deepEqual(chat.stats().connections, 0);
  assert.deepEqual(chat.stats().topics, 0);
  assert.deepEqual(chat.stats().storedMessages, 0);
});
