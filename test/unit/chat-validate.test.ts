import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkMessageText,
  codePointLength,
  isValidRef,
  nameKey,
  normalizeTopic,
  normalizeUsername,
  parseClientFrame,
  parseCommand,
} from '../../lib/chat/validate.ts';
import { Queue } from '../../lib/chat/queue.ts';
import { ackFrame, messageFrame, topicsFrame, welcomeFrame } from '../../lib/chat/frames.ts';

test('codePointLength counts surrogate pairs once and lone surrogates as one', () => {
  assert.equal(codePointLength(''), 0);
  assert.equal(codePointLength('abc'), 3);
  assert.equal(codePointLength('😀😀'), 2);
  assert.equal(codePointLength('\ud800x'), 2);
  assert.equal(codePointLength('x\udc00'), 2);
});

test('usernames are trimmed and NFC-normalised, inner spaces kept', () => {
  assert.deepEqual(normalizeUsername('  alice  '), { ok: true, name: 'alice' });
  assert.deepEqual(normalizeUsername('bob smith'), { ok: true, name: 'bob smith' });
  // e + combining acute accent becomes U+00E9
  assert.deepEqual(normalizeUsername('re\u0301my'), { ok: true, name: 'r\u00e9my' });
});

test('usernames: 1..32 code points, topics 1..64', () => {
  assert.equal(normalizeUsername('a'.repeat(32)).ok, true);
  assert.equal(normalizeUsername('a'.repeat(33)).ok, false);
  assert.equal(normalizeUsername('😀'.repeat(32)).ok, true, 'code points, not UTF-16 units');
  assert.equal(normalizeUsername('😀'.repeat(33)).ok, false);
  assert.equal(normalizeTopic('t'.repeat(64)).ok, true);
  assert.equal(normalizeTopic('t'.repeat(65)).ok, false);
  assert.equal(normalizeUsername('').ok, false);
  assert.equal(normalizeUsername('   ').ok, false);
  assert.equal(normalizeTopic('\t\n ').ok, false);
});

test('names reject control, format and non-string values', () => {
  for (const bad of ['a\u0000b', 'a\nb', 'a\tb', 'evil\u202Eexe', 'zero\u200Bwidth', 'a\u00ADb', 'x\u0085y', '\ud800']) {
    assert.equal(normalizeUsername(bad).ok, false, JSON.stringify(bad));
    assert.equal(normalizeTopic(bad).ok, false, JSON.stringify(bad));
  }
  for (const bad of [undefined, null, 42, true, {}, ['alice']]) {
    assert.equal(normalizeUsername(bad).ok, false);
  }
});

test('nameKey compares case-insensitively', () => {
  assert.equal(nameKey('Alice'), nameKey('ALICE'));
  assert.notEqual(nameKey('alice'), nameKey('alice#2'));
});

test('checkMessageText: empty, too long, controls', () => {
  assert.deepEqual(checkMessageText('hello', 10), { ok: true });
  assert.deepEqual(checkMessageText('  padded  ', 10), { ok: true });
  assert.deepEqual(checkMessageText('line1\nline2\r\n\tx', 100), { ok: true });
  assert.equal((checkMessageText('', 10) as { code: string }).code, 'empty_message');
  assert.equal((checkMessageText(' \n\t ', 10) as { code: string }).code, 'empty_message');
  assert.deepEqual(checkMessageText('a'.repeat(10), 10), { ok: true });
  assert.equal((checkMessageText('a'.repeat(11), 10) as { code: string }).code, 'message_too_long');
  assert.deepEqual(checkMessageText('😀'.repeat(10), 10), { ok: true }, '20 UTF-16 units but 10 code points');
  assert.equal((checkMessageText('a\u0000b', 10) as { code: string }).code, 'invalid_message');
  assert.equal((checkMessageText('a\u001bb', 10) as { code: string }).code, 'invalid_message');
  assert.equal((checkMessageText('a\u0085b', 10) as { code: string }).code, 'invalid_message');
  assert.equal((checkMessageText('a\u007fb', 10) as { code: string }).code, 'invalid_message');
});

test('isValidRef: short strings and finite numbers only', () => {
  assert.equal(isValidRef('abc'), true);
  assert.equal(isValidRef(''), true);
  assert.equal(isValidRef('x'.repeat(128)), true);
  assert.equal(isValidRef('x'.repeat(129)), false);
  assert.equal(isValidRef(7), true);
  assert.equal(isValidRef(-1.5), true);
  assert.equal(isValidRef(Infinity), false);
  assert.equal(isValidRef(NaN), false);
  assert.equal(isValidRef(null), false);
  assert.equal(isValidRef({}), false);
  assert.equal(isValidRef(true), false);
});

test('parseCommand: case-insensitive name, rest without leading white space', () => {
  assert.deepEqual(parseCommand('/LIST'), { name: 'list', args: '' });
  assert.deepEqual(parseCommand('/dm  bob smith  hi there '), { name: 'dm', args: 'bob smith  hi there ' });
  assert.deepEqual(parseCommand('/'), { name: '', args: '' });
  assert.deepEqual(parseCommand('/join\tmovies'), { name: 'join', args: 'movies' });
});

test('parseClientFrame classifies frames', () => {
  assert.deepEqual(parseClientFrame('/list'), { kind: 'command', name: 'list', args: '', hasRef: false, ref: undefined });
  assert.deepEqual(parseClientFrame('{"message":"/Who","ref":3}'), { kind: 'command', name: 'who', args: '', hasRef: true, ref: 3 });
  assert.deepEqual(parseClientFrame('not json'), { kind: 'invalid_json' });
  assert.deepEqual(parseClientFrame(''), { kind: 'invalid_json' });
  assert.deepEqual(parseClientFrame(' /list'), { kind: 'invalid_json' });
  for (const text of ['[]', '1', '"x"', 'null', 'true']) assert.deepEqual(parseClientFrame(text), { kind: 'not_object' });
  assert.deepEqual(parseClientFrame('{"message":"hi"}'), { kind: 'message', message: 'hi', hasRef: false, ref: undefined });
  assert.deepEqual(parseClientFrame('{"message":42,"ref":null}'), { kind: 'message', message: 42, hasRef: true, ref: null });
  assert.deepEqual(parseClientFrame('{"typing":true}'), { kind: 'typing', typing: true });
  assert.deepEqual(parseClientFrame('{"username":"a","topic":"t","extra":1}'), {
    kind: 'join', username: 'a', topic: 't', hasJoinFields: true,
  });
  assert.deepEqual(parseClientFrame('{"foo":1}'), { kind: 'join', username: undefined, topic: undefined, hasJoinFields: false });
});

test('parseClientFrame never reads through __proto__', () => {
  const frame = parseClientFrame('{"__proto__":{"message":"x","username":"a","topic":"t"}}');
  assert.deepEqual(frame, { kind: 'join', username: undefined, topic: undefined, hasJoinFields: false });
  assert.equal(({} as Record<string, unknown>)['message'], undefined, 'Object.prototype untouched');
  const own = parseClientFrame('{"__proto__":1,"username":"a","topic":"t"}');
  assert.equal(own.kind, 'join');
});

test('Queue is FIFO across compaction', () => {
  const q = new Queue<number>();
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
  let next = 0;
  for (let i = 0; i < 5000; i++) q.push(i);
  for (let i = 0; i < 3000; i++) assert.equal(q.shift(), next++);
  for (let i = 5000; i < 6000; i++) q.push(i);
  assert.equal(q.size, 3000);
  assert.equal(q.peek(), next);
  assert.deepEqual([...q].slice(0, 3), [3000, 3001, 3002]);
  let seen = 0;
  q.forEach(() => seen++);
  assert.equal(seen, 3000);
  while (q.size > 0) assert.equal(q.shift(), next++);
  assert.equal(next, 6000);
  q.push(1);
  q.clear();
  assert.equal(q.size, 0);
});

test('frames are valid JSON in the contract shape', () => {
  assert.deepEqual(JSON.parse(messageFrame(1, 'sports', 'alice', 'hi "there"', 5)), {
    type: 'message', id: 1, topic: 'sports', username: 'alice', message: 'hi "there"', timestamp: 5,
  });
  assert.deepEqual(JSON.parse(ackFrame(2, 'r', 5, 3)), { type: 'ack', id: 2, ref: 'r', timestamp: 5, recipients: 3 });
  assert.deepEqual(JSON.parse(ackFrame(2, undefined, 5, 1, 'bob')), { type: 'ack', id: 2, timestamp: 5, recipients: 1, to: 'bob' });
  const welcome = JSON.parse(welcomeFrame('a', 't', 30, ['a'], [messageFrame(1, 't', 'b', 'x', 1)]));
  assert.equal(welcome.history[0].message, 'x');
  assert.deepEqual(JSON.parse(welcomeFrame('a', 't', 30, ['a'], [])).history, []);
  assert.equal(JSON.parse(topicsFrame([])).text, 'Active Topics:\n(none)');
});
