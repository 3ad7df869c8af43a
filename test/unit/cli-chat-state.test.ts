/**
 * The terminal client's chat state (lib/client/chat-state.ts), fed server
 * frames directly: what it joins with after a drop (name, resume, since),
 * that a message is passed on at most once, our own messages from their
 * acks, and the notes for the user.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatState } from '../../lib/client/chat-state.ts';
import type { MessageFrame } from '../../lib/chat/wire.ts';
import type { ServerFrame } from '../../lib/client/format.ts';

const T = 1_700_000_000;

function message(id: number, username: string, text: string, topic = 'sports'): MessageFrame {
  return { type: 'message', id, topic, username, message: text, timestamp: T + id };
}

function welcome(fields: Record<string, unknown> = {}): ServerFrame {
  return { type: 'welcome', username: 'alice', topic: 'sports', messageTtl: 30, users: ['alice'], history: [], resumeToken: 'tok-1', ...fields };
}

function asFrame(m: MessageFrame): ServerFrame {
  return { ...m };
}

describe('ChatState: joining and resuming', () => {
  test('the first join asks for the requested name; no resume, no since', () => {
    const state = new ChatState('alice', 'sports');
    assert.deepEqual(state.joinPayload(), { username: 'alice', topic: 'sports' });
    assert.equal(new ChatState('alice', undefined).joinPayload(), undefined);
  });

  test('after a drop it joins with the name the server gave, the latest token and the highest id seen', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome({ username: 'alice#2', history: [message(3, 'bob', 'one'), message(5, 'bob', 'two')] }));
    state.receive(asFrame(message(8, 'carol', 'three')));
    state.connectionLost();
    assert.deepEqual(state.joinPayload(), { username: 'alice#2', topic: 'sports', resume: 'tok-1', since: 8 });
    // The resumed welcome brings a new token: the next resume uses it.
    state.receive(welcome({ username: 'alice#2', resumeToken: 'tok-2', resumed: true, recovered: true }));
    assert.equal(state.joinPayload()?.resume, 'tok-2');
  });

  test('our own acknowledged messages raise since too', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome());
    const chat = state.chatMessage('hello');
    state.markSent(chat.ref);
    state.receive({ type: 'ack', id: 12, ref: chat.ref, timestamp: T, recipients: 1 });
    assert.equal(state.joinPayload()?.since, 12);
  });

  test('since is kept per topic; a token only for its own topic', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome({ history: [message(4, 'bob', 'x')] }));
    state.receive(welcome({ topic: 'movies', resumeToken: 'tok-m', history: [message(9, 'dan', 'y', 'movies')] }));
    assert.equal(state.highestId('sports'), 4);
    assert.equal(state.highestId('movies'), 9);
    assert.deepEqual(state.joinPayload(), { username: 'alice', topic: 'movies', resume: 'tok-m', since: 9 });
    state.topic = 'sports';
    assert.deepEqual(state.joinPayload(), { username: 'alice', topic: 'sports', since: 4 }, 'the movies token is not offered for sports');
  });

  test('/leave (our own left frame) ends the membership: no topic, no token', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome());
    state.receive({ type: 'left', username: 'alice', topic: 'sports', timestamp: T });
    assert.equal(state.joined, false);
    assert.equal(state.joinPayload(), undefined);
    state.topic = 'sports';
    assert.equal(state.joinPayload()?.resume, undefined);
  });

  test('an invalid join is not retried on reconnect', () => {
    const state = new ChatState('', 'sports');
    state.receive({ type: 'error', code: 'invalid_join', message: 'bad username' });
    assert.equal(state.joinPayload(), undefined);
  });
});

describe('ChatState: every message once', () => {
  test('a live message seen before is dropped; history repeats are filtered out of the welcome', () => {
    const state = new ChatState('alice', 'sports');
    const first = state.receive(welcome({ history: [message(1, 'bob', 'a'), message(2, 'bob', 'b')] }));
    assert.deepEqual(first.welcome?.history.map((m) => m.id), [1, 2]);
    assert.equal(state.receive(asFrame(message(3, 'bob', 'c'))).frame?.type, 'message');
    assert.equal(state.receive(asFrame(message(3, 'bob', 'c'))).frame, undefined, 'the same id again is a duplicate');
    state.connectionLost();
    // A server that ignores `since` sends the whole history again.
    const again = welcome({ history: [message(2, 'bob', 'b'), message(3, 'bob', 'c'), message(4, 'carol', 'd')] });
    const update = state.receive(again);
    assert.deepEqual(update.welcome?.history.map((m) => m.id), [4]);
    assert.deepEqual((update.frame?.['history'] as MessageFrame[]).map((m) => m.id), [4], 'the frame passed on (script mode) lost the repeats');
    assert.equal(update.welcome?.reconnect, true);
  });

  test('history is shown in id order', () => {
    const state = new ChatState('alice', 'sports');
    const update = state.receive(welcome({ history: [message(7, 'bob', 'late'), message(5, 'bob', 'early')] }));
    assert.deepEqual(update.welcome?.history.map((m) => m.id), [5, 7]);
  });

  test('a welcome without repeats is passed on as the very same frame', () => {
    const state = new ChatState('alice', 'sports');
    const frame = welcome({ history: [message(1, 'bob', 'a')] });
    assert.equal(state.receive(frame).frame, frame);
  });

  test('a restarted server counting from 1 again does not have its messages hidden', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome({ history: [message(1, 'bob', 'old one')] }));
    state.connectionLost();
    state.receive(welcome({ resumed: false, recovered: false }));
    const reused: MessageFrame = { ...message(1, 'carol', 'new one'), timestamp: T + 500 };
    assert.equal(state.receive(asFrame(reused)).frame?.type, 'message');
  });
});

describe('ChatState: our own messages', () => {
  test('an ack turns into our message, with the server id and time, once', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome({ username: 'alice#2' }));
    const chat = state.chatMessage('hi all');
    assert.deepEqual(JSON.parse(chat.text), { message: 'hi all', ref: chat.ref });
    state.markSent(chat.ref);
    const update = state.receive({ type: 'ack', id: 21, ref: chat.ref, timestamp: T + 21, recipients: 2 });
    assert.deepEqual(update.sent, { type: 'message', id: 21, topic: 'sports', username: 'alice#2', message: 'hi all', timestamp: T + 21 });
    // The same message in a later history (a server without `since`) is not shown again.
    state.connectionLost();
    const again = state.receive(welcome({ username: 'alice#2', history: [message(21, 'alice#2', 'hi all')] }));
    assert.deepEqual(again.welcome?.history, []);
  });

  test('acks arrive in id order, so our messages take their place among the others', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome());
    const shown: number[] = [];
    const a = state.chatMessage('mine 1');
    const b = state.chatMessage('mine 2');
    state.markSent(a.ref);
    state.markSent(b.ref);
    const frames: ServerFrame[] = [
      asFrame(message(30, 'bob', 'x')),
      { type: 'ack', id: 31, ref: a.ref, timestamp: T, recipients: 1 },
      asFrame(message(32, 'bob', 'y')),
      { type: 'ack', id: 33, ref: b.ref, timestamp: T, recipients: 1 },
    ];
    for (const frame of frames) {
      const update = state.receive(frame);
      if (update.sent) shown.push(update.sent.id);
      else if (update.frame?.type === 'message') shown.push(update.frame['id'] as number);
    }
    assert.deepEqual(shown, [30, 31, 32, 33]);
  });

  test('a dm ack is not a chat message', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome());
    assert.equal(state.receive({ type: 'ack', id: 5, timestamp: T, recipients: 1, to: 'bob' }).sent, undefined);
  });

  test('a message in flight when the link dropped: found in the resumed history, or reported', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome());
    const kept = state.chatMessage('made it');
    const lost = state.chatMessage('lost in transit');
    const queued = state.chatMessage('not sent yet');
    state.markSent(kept.ref);
    state.markSent(lost.ref);
    state.connectionLost();
    const update = state.receive(welcome({ resumed: true, recovered: true, history: [message(40, 'alice', 'made it')] }));
    assert.deepEqual(update.welcome?.history.map((m) => m.message), ['made it'], 'shown once, from the history');
    assert.equal(update.notes.length, 1);
    assert.match(update.notes[0] ?? '', /may not have been delivered.*lost in transit/);
    // The message still queued goes out after the rejoin and its ack is ours.
    state.markSent(queued.ref);
    assert.equal(state.receive({ type: 'ack', id: 41, ref: queued.ref, timestamp: T, recipients: 1 }).sent?.message, 'not sent yet');
  });
});

describe('ChatState: recovered', () => {
  test('recovered false: the user is told, and since starts over from the new history', () => {
    const state = new ChatState('alice', 'sports');
    state.receive(welcome({ history: [message(50, 'bob', 'x')] }));
    state.connectionLost();
    const update = state.receive(welcome({ resumed: true, recovered: false, history: [message(60, 'bob', 'y')] }));
    assert.equal(update.notes.length, 1);
    assert.match(update.notes[0] ?? '', /may have been missed/);
    assert.equal(state.highestId('sports'), 60);
  });

  test('recovered true, or absent: no note', () => {
    const state = new ChatState('alice', 'sports');
    assert.deepEqual(state.receive(welcome()).notes, []);
    state.connectionLost();
    const update = state.receive(welcome({ resumed: true, recovered: true }));
    assert.deepEqual(update.notes, []);
    assert.deepEqual(update.welcome, { reconnect: true, resumed: true, history: [] });
  });
});
