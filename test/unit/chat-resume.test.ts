/**
 * Resuming after a dropped connection, decided in the pure chat code with a
 * fake clock: tokens, takeover, the window, `since`/`recovered`, the grace
 * period.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatNode, frames, type ConnId, type LocalEffect, type LeaveWhy } from '../../lib/chat/index.ts';
import { MemoryLog } from '../../lib/log/memory-log.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Frame = any;
const T0 = 1_800_000_000_000;

class Chat {
  now = T0;
  readonly node: ChatNode;
  #tokens = 0;
  constructor(replica: { resumeWindowMs?: number; resumeGraceMs?: number; messageTtlMs?: number } = {}) {
    const log = new MemoryLog(() => this.now);
    this.node = new ChatNode(
      { processId: 'p', edge: { joinTimeoutMs: 0, rateLimit: 0, ...(replica.messageTtlMs ? { messageTtlMs: replica.messageTtlMs } : {}) }, replica, randomToken: () => `t${String(++this.#tokens).padStart(7, "0")}-secret-secret-secret` },
      log,
    );
    log.subscribe((command, now) => this.node.apply(command, now));
  }
  send(conn: ConnId, value: unknown): Out {
    this.node.connect(conn, this.now);
    return new Out(this.node.receiveText(conn, typeof value === 'string' ? value : JSON.stringify(value), this.now));
  }
  join(conn: ConnId, username: string, topic: string, extra: object = {}): Frame {
    return this.send(conn, { username, topic, ...extra });
  }
  end(conn: ConnId, why: LeaveWhy): Out {
    return new Out(this.node.disconnect(conn, why, why, this.now));
  }
  tick(): Out {
    return new Out(this.node.tick(this.now));
  }
}

class Out {
  readonly frames: { to: ConnId; frame: Frame }[] = [];
  readonly closes: { conn: ConnId; code: number; reason: string }[] = [];
  constructor(effects: LocalEffect[]) {
    for (const e of effects) {
      if (e.type === 'send') this.frames.push({ to: e.to, frame: JSON.parse(e.frame) });
      if (e.type === 'close') this.closes.push({ conn: e.conn, code: e.code, reason: e.reason });
      if (e.type === 'broadcast') {
        let queued = 0;
        for (const to of e.to) if (to !== e.except) (queued++, this.frames.push({ to, frame: JSON.parse(e.frame) }));
        if (e.ack) this.frames.push({ to: e.ack.to, frame: JSON.parse(frames.ackFrame(e.ack.id, e.ack.ref, e.ack.timestamp, e.ack.remote + queued)) });
      }
    }
  }
  of(conn: ConnId, type?: string): Frame[] {
    return this.frames.filter((f) => f.to === conn && (type === undefined || f.frame.type === type)).map((f) => f.frame);
  }
  welcome(conn: ConnId): Frame {
    const w = this.of(conn, 'welcome');
    assert.equal(w.length, 1, JSON.stringify(this.frames));
    return w[0];
  }
  types(): string[] {
    return this.frames.map((f) => f.frame.type);
  }
}

test('every welcome carries a fresh token; a join without resume/since says nothing about resuming', () => {
  const chat = new Chat();
  const w1 = chat.join(1, 'alice', 'sports').welcome(1);
  assert.equal(typeof w1.resumeToken, 'string');
  assert.equal('resumed' in w1, false);
  const w2 = chat.send(1, '/join sports').welcome(1);
  assert.notEqual(w2.resumeToken, w1.resumeToken);
});

test('takeover of an open connection: 4000 replaced, same name, nobody sees left or joined', () => {
  const chat = new Chat();
  const token = chat.join(1, 'alice', 'sports').welcome(1).resumeToken;
  chat.join(2, 'bob', 'sports');
  const r = chat.join(3, 'whatever', 'sports', { resume: token, since: 0 });
  const w = r.welcome(3);
  assert.equal(w.username, 'alice');
  assert.equal(w.resumed, true);
  assert.deepEqual(w.users, ['alice', 'bob']);
  assert.deepEqual(r.closes, [{ conn: 1, code: 4000, reason: 'replaced' }]);
  assert.deepEqual(r.of(2), [], 'bob sees nothing');
  assert.deepEqual(chat.end(1, 'server').frames, [], 'the replaced connection ending changes nothing');
  // Messages now reach the new connection.
  assert.equal(chat.send(2, { message: 'hi' }).of(3, 'message').length, 1);
});

test('a token works once; the welcome brings a new one', () => {
  const chat = new Chat();
  const token = chat.join(1, 'alice', 'sports').welcome(1).resumeToken;
  const w = chat.join(2, 'alice', 'sports', { resume: token }).welcome(2);
  assert.equal(w.resumed, true);
  const again = chat.join(3, 'alice', 'sports', { resume: token }).welcome(3);
  assert.equal(again.resumed, false);
  assert.equal(again.username, 'alice#2');
  assert.equal(chat.join(4, 'x', 'sports', { resume: w.resumeToken }).welcome(4).resumed, true);
});

test('after a drop the name comes back when free, else the payload name deduplicated; others get joined', () => {
  const chat = new Chat();
  const token = chat.join(1, 'alice', 'sports').welcome(1).resumeToken;
  chat.join(2, 'bob', 'sports');
  assert.equal(chat.end(1, 'drop').of(2, 'left').length, 1);
  const r = chat.join(3, 'other', 'sports', { resume: token });
  assert.equal(r.welcome(3).username, 'alice');
  assert.equal(r.of(2, 'joined').length, 1);

  const token3 = r.welcome(3).resumeToken;
  chat.end(3, 'server');
  chat.join(4, 'alice', 'sports');
  const taken = chat.join(5, 'carol', 'sports', { resume: token3 }).welcome(5);
  assert.equal(taken.resumed, true);
  assert.equal(taken.username, 'carol');
});

for (const [how, end] of [
  ['/leave', (chat: Chat) => chat.send(1, '/leave')],
  ['/quit', (chat: Chat) => chat.send(1, '/quit')],
  ['/join elsewhere', (chat: Chat) => chat.send(1, '/join movies')],
  ['a close frame', (chat: Chat) => chat.end(1, 'close')],
] as const) {
  test(`a membership ended on purpose (${how}) leaves no valid token`, () => {
    const chat = new Chat();
    const token = chat.join(1, 'alice', 'sports').welcome(1).resumeToken;
    end(chat);
    assert.equal(chat.join(2, 'bob', 'sports', { resume: token }).welcome(2).resumed, false);
  });
}

test('server-started closes keep the token; the window counts from the end; another topic never matches', () => {
  const chat = new Chat({ resumeWindowMs: 60_000 });
  const token = chat.join(1, 'alice', 'sports').welcome(1).resumeToken;
  chat.end(1, 'server');
  assert.equal(chat.join(2, 'a', 'movies', { resume: token }).welcome(2).resumed, false, 'other topic');
  chat.now += 59_999;
  const w = chat.join(3, 'a', 'sports', { resume: token }).welcome(3);
  assert.equal(w.resumed, true);
  chat.end(3, 'drop');
  chat.now += 60_000;
  assert.equal(chat.join(4, 'a', 'sports', { resume: w.resumeToken }).welcome(4).resumed, false, 'window over');
});

test('a token stays valid when its topic is emptied and created again; recovered is then false', () => {
  const chat = new Chat();
  const w = chat.join(1, 'alice', 'sports').welcome(1);
  const sent = chat.send(1, { message: 'one' }).of(1, 'ack')[0].id;
  chat.end(1, 'drop');
  chat.join(2, 'bob', 'sports');
  chat.end(2, 'close');
  const back = chat.join(3, 'alice', 'sports', { resume: w.resumeToken, since: sent }).welcome(3);
  assert.equal(back.resumed, true);
  assert.equal(back.recovered, false);
});

test('since: history above it only; recovered at and around the edges of expiry', () => {
  const chat = new Chat({ messageTtlMs: 10_000 });
  chat.join(1, 'host', 'sports');
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push(chat.send(1, { message: `m${i}` }).of(1, 'ack')[0].id);
    chat.now += 1000;
  }
  const at = (since: number) => chat.join(100 + since % 97, 'x', 'sports', { since }).welcome(100 + since % 97);
  let w = at(ids[1]!);
  assert.deepEqual(w.history.map((m: Frame) => m.message), ['m2', 'm3']);
  assert.equal(w.recovered, true);
  assert.equal(w.resumed, false);
  chat.now = T0 + 10_000; // m0 expires
  chat.tick();
  assert.equal(chat.join(201, 'y', 'sports', { since: ids[0]! }).welcome(201).recovered, true, 'since = the expired id: nothing above it missing');
  assert.equal(chat.join(202, 'y', 'sports', { since: ids[0]! - 1 }).welcome(202).recovered, false, 'just below: m0 is gone');
  w = chat.join(203, 'y', 'sports', { since: 0 });
  assert.equal(w.welcome(203).recovered, false);
});

test('a resume string no token can be is an unknown token, not an error', () => {
  const chat = new Chat();
  const w = chat.join(1, 'alice', 'sports', { resume: 'x'.repeat(10_000) }).welcome(1);
  assert.equal(w.resumed, false);
  assert.equal(w.username, 'alice');
});

test('since and resume are checked: bad values are invalid_join and do not use the token up', () => {
  const chat = new Chat();
  const token = chat.join(1, 'alice', 'sports').welcome(1).resumeToken;
  chat.end(1, 'drop');
  for (const bad of [{ since: -1 }, { since: 1.5 }, { since: '3' }, { since: 2 ** 53 }, { resume: 42 }]) {
    const r = chat.join(2, 'alice', 'sports', { resume: token, ...bad });
    assert.equal(r.of(2, 'error')[0]?.code, 'invalid_join', JSON.stringify(bad));
  }
  assert.equal(chat.join(2, 'alice', 'sports', { resume: token, since: 2 ** 53 - 1 }).welcome(2).resumed, true);
});

test('grace: a dropped member stays listed, receives nothing, is not counted, no dm; a resume is seamless', () => {
  const chat = new Chat({ resumeGraceMs: 5000, resumeWindowMs: 60_000 });
  const token = chat.join(1, 'alice', 'sports').welcome(1).resumeToken;
  chat.join(2, 'bob', 'sports');
  assert.deepEqual(chat.end(1, 'drop').frames, [], 'no left yet');
  assert.deepEqual(chat.send(2, '/who').of(2, 'users')[0].users, ['alice', 'bob']);
  assert.equal(chat.send(2, { message: 'hi' }).of(2, 'ack')[0].recipients, 0);
  assert.equal(chat.send(2, '/dm alice psst').of(2, 'error')[0].code, 'user_not_found');
  chat.now += 4000;
  const r = chat.join(3, 'alice', 'sports', { resume: token });
  assert.equal(r.welcome(3).username, 'alice');
  assert.deepEqual(r.of(2), [], 'no joined');
  assert.deepEqual(r.closes, []);
  chat.now += 10_000;
  assert.deepEqual(chat.tick().frames, [], 'the old grace ends silently');
});

test('grace ends: left for the others and the name is free; an end on purpose sends left at once', () => {
  const chat = new Chat({ resumeGraceMs: 5000 });
  chat.join(1, 'alice', 'sports');
  chat.join(2, 'bob', 'sports');
  chat.end(1, 'drop');
  chat.now += 5000;
  assert.equal(chat.tick().of(2, 'left').length, 1);
  assert.equal(chat.join(3, 'alice', 'sports').welcome(3).username, 'alice');
  assert.equal(chat.end(3, 'close').of(2, 'left').length, 1);
});

test('a node forgets every trace of its connections once they are gone (nothing kept per connection)', () => {
  const chat = new Chat();
  for (let i = 1; i <= 500; i++) {
    chat.join(i, `user${i % 7}`, `topic${i % 5}`);
    chat.send(i, { message: 'hi' });
    chat.end(i, i % 2 === 0 ? 'close' : 'drop');
  }
  for (let i = 1000; i <= 1100; i++) {
    chat.send(i, '/help'); // never joined
    chat.end(i, 'close');
  }
  chat.join(2000, 'quitter', 'q');
  chat.send(2000, '/quit');
  chat.end(2000, 'server');
  assert.equal(chat.node.stats().members, 0);
  assert.equal(chat.node.stats().connections, 0);
  assert.equal(chat.node.trackedConnections(), 0);
});
