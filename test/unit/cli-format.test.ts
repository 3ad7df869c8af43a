import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  colourPaint,
  describeClose,
  formatFrame,
  formatTime,
  nameColourIndex,
  parseServerFrame,
  sanitize,
  shouldColour,
  type ServerFrame,
} from '../../lib/client/format.ts';
import { backoffDelay, parseCliArgs, UsageError } from '../../lib/client/cli.ts';
import { CLIENT_HELP, typingStatus } from '../../lib/client/format.ts';
import { isCertificateError } from '../../lib/client/session.ts';

/** 12:00:01 local time, whatever the machine's time zone. */
const T = Math.floor(new Date(2024, 0, 1, 12, 0, 1).getTime() / 1000);

function frame(text: string): ServerFrame {
  const parsed = parseServerFrame(text);
  assert.ok(parsed, `parses: ${text}`);
  return parsed;
}

describe('formatFrame (no colour)', () => {
  test('message', () => {
    const f = frame(JSON.stringify({ type: 'message', id: 17, topic: 'sports', username: 'alice', message: 'hi', timestamp: T }));
    assert.deepEqual(formatFrame(f), ['[12:00:01] alice: hi']);
  });

  test('a multi-line message indents its continuation lines', () => {
    const f = frame(JSON.stringify({ type: 'message', id: 1, topic: 's', username: 'bob', message: 'one\ntwo', timestamp: T }));
    assert.deepEqual(formatFrame(f), ['[12:00:01] bob: one\n    two']);
  });

  test('dm to us', () => {
    const f = frame(JSON.stringify({ type: 'dm', id: 3, from: 'alice', to: 'bob', message: 'psst', timestamp: T }));
    assert.deepEqual(formatFrame(f, { self: 'bob' }), ['[12:00:01] alice → you: psst']);
    assert.deepEqual(formatFrame(f), ['[12:00:01] alice → you: psst']);
  });

  test('ack of a message, of a message nobody got, of a dm', () => {
    assert.deepEqual(formatFrame(frame('{"type":"ack","id":17,"ref":1,"timestamp":1,"recipients":3}')), ['✓ delivered to 3']);
    assert.deepEqual(formatFrame(frame('{"type":"ack","id":17,"timestamp":1,"recipients":0}')), ['✓ delivered to nobody (you are alone here)']);
    assert.deepEqual(formatFrame(frame('{"type":"ack","id":18,"timestamp":1,"recipients":1,"to":"bob"}')), ['✓ dm delivered to bob']);
  });

  test('welcome: topic, name, who is here, history as normal lines', () => {
    const history = [{ type: 'message', id: 1, topic: 'sports', username: 'bob', message: 'earlier', timestamp: T }];
    const f = frame(JSON.stringify({ type: 'welcome', username: 'alice#2', topic: 'sports', messageTtl: 30, users: ['alice', 'bob', 'alice#2'], history }));
    assert.deepEqual(formatFrame(f, { requested: 'alice' }), [
      '* joined sports as alice#2 (alice was taken); messages expire after 30 s',
      '* here (3): alice, bob, alice#2',
      '[12:00:01] bob: earlier',
    ]);
    assert.equal(formatFrame(f, { requested: 'alice#2' })[0], '* joined sports as alice#2; messages expire after 30 s');
  });

  test('joined and left', () => {
    assert.deepEqual(formatFrame(frame(JSON.stringify({ type: 'joined', username: 'bob', topic: 'sports', timestamp: T }))), ['[12:00:01] * bob joined sports']);
    const left = frame(JSON.stringify({ type: 'left', username: 'bob', topic: 'sports', timestamp: T }));
    assert.deepEqual(formatFrame(left, { self: 'alice' }), ['[12:00:01] * bob left sports']);
    assert.deepEqual(formatFrame(left, { self: 'bob' }), ['[12:00:01] * you left sports; back in the lobby (/join <topic> to join one)']);
  });

  test('typing', () => {
    assert.deepEqual(formatFrame(frame('{"type":"typing","username":"bob","topic":"sports"}')), ['bob is typing…']);
  });

  test('topics uses the server text, or builds it when absent', () => {
    const text = 'Active Topics:\n- sports (2 users)\n- movies (1 user)';
    const topics = [{ topic: 'sports', users: 2 }, { topic: 'movies', users: 1 }];
    assert.deepEqual(formatFrame(frame(JSON.stringify({ type: 'topics', topics, text }))), ['Active Topics:', '- sports (2 users)', '- movies (1 user)']);
    assert.deepEqual(formatFrame(frame(JSON.stringify({ type: 'topics', topics }))), ['Active Topics:', '- sports (2 users)', '- movies (1 user)']);
  });

  test('a cut /list says how many topics there are in all', () => {
    const topics = [{ topic: 'sports', users: 9 }];
    const lines = formatFrame(frame(JSON.stringify({ type: 'topics', topics, text: 'Active Topics:\n- sports (9 users)', truncated: true, total: 250 })));
    assert.deepEqual(lines, ['Active Topics:', '- sports (9 users)', '(1 of 250 topics shown: the busiest ones)']);
  });

  test('unavailable (cluster store down) is shown as such', () => {
    const [line] = formatFrame(frame('{"type":"error","code":"unavailable","message":"the chat store is unreachable"}'));
    assert.match(line ?? '', /^server unavailable: the chat store is unreachable/);
  });

  test('typing status line and the client help', () => {
    assert.equal(typingStatus([]), '');
    assert.equal(typingStatus(['bob']), 'bob is typing…');
    assert.equal(typingStatus(['bob', 'carol']), 'bob and carol are typing…');
    assert.equal(typingStatus(['a', 'b', 'c', 'd']), '4 people are typing…');
    assert.equal(typingStatus(['\u001b[2J']), '\uFFFD[2J is typing…');
    for (const command of ['/list', '/who', '/join <topic>', '/dm <user> <text>', '/leave', '/help', '/quit']) assert.ok(CLIENT_HELP.includes(command), command);
  });

  test('users (/who)', () => {
    assert.deepEqual(formatFrame(frame('{"type":"users","topic":"sports","users":["alice","bob"]}')), ['* in sports (2): alice, bob']);
  });

  test('help', () => {
    assert.deepEqual(formatFrame(frame(JSON.stringify({ type: 'help', text: 'Commands:\n/list - list' }))), ['Commands:', '/list - list']);
  });

  test('error', () => {
    assert.deepEqual(formatFrame(frame('{"type":"error","code":"invalid_json","message":"not JSON"}')), ['error invalid_json: not JSON']);
  });

  test('an unknown frame type is shown raw rather than dropped', () => {
    assert.deepEqual(formatFrame(frame('{"type":"future","x":1}')), ['? {"type":"future","x":1}']);
  });

  test('missing or odd fields do not throw', () => {
    for (const type of ['message', 'dm', 'ack', 'welcome', 'joined', 'left', 'typing', 'topics', 'users', 'help', 'error']) {
      assert.ok(Array.isArray(formatFrame({ type })), type);
      assert.ok(Array.isArray(formatFrame({ type, users: 'x', history: 5, topics: 'y', timestamp: 'z' })), type);
    }
  });
});

describe('parseServerFrame', () => {
  test('accepts objects with a string type only', () => {
    assert.equal(parseServerFrame('not json'), undefined);
    assert.equal(parseServerFrame('[1]'), undefined);
    assert.equal(parseServerFrame('null'), undefined);
    assert.equal(parseServerFrame('{"type":1}'), undefined);
    assert.deepEqual(parseServerFrame('{"type":"ack"}'), { type: 'ack' });
  });
});

describe('text safety and time', () => {
  test('escape sequences and bidi overrides from others cannot reach the terminal', () => {
    assert.equal(sanitize('a\u001b[31mb\u202ec\u0007d\te\nf'), 'a\uFFFD[31mb\uFFFDc\uFFFDd\te\nf');
    const f = frame(JSON.stringify({ type: 'message', id: 1, topic: 's', username: 'x', message: '\u001b]0;pwned\u0007', timestamp: T }));
    assert.ok(!formatFrame(f)[0]?.includes('\u001b'));
  });

  test('formatTime is local HH:MM:SS and tolerates garbage', () => {
    assert.equal(formatTime(T), '12:00:01');
    assert.equal(formatTime(Math.floor(new Date(2024, 5, 30, 23, 59, 59).getTime() / 1000)), '23:59:59');
    assert.equal(formatTime('soon'), '--:--:--');
  });

  test('describeClose names the code and keeps the reason', () => {
    assert.equal(describeClose(1008, 'rate limit'), '1008 policy violation: rate limit');
    assert.equal(describeClose(1009, ''), '1009 message too big');
    assert.equal(describeClose(4000, 'replaced'), '4000 replaced: replaced');
    assert.equal(describeClose(4999, 'custom'), '4999: custom');
  });
});

describe('colour', () => {
  test('only on a terminal and without NO_COLOR', () => {
    assert.equal(shouldColour(true, {}), true);
    assert.equal(shouldColour(false, {}), false);
    assert.equal(shouldColour(true, { NO_COLOR: '' }), false);
    assert.equal(shouldColour(true, { NO_COLOR: '1' }), false);
  });

  test('a name always gets the same colour; names are not nested inside system styling', () => {
    assert.equal(nameColourIndex('alice'), nameColourIndex('alice'));
    const paint = colourPaint();
    assert.equal(paint.name('alice'), paint.name('alice'));
    assert.match(paint.name('alice'), /\u001b\[/);
    const [line] = formatFrame(frame('{"type":"joined","username":"bob","topic":"sports","timestamp":1}'), { paint });
    assert.ok(line?.includes(paint.name('bob')));
    // With colour stripped, the line is the plain one.
    // eslint-disable-next-line no-control-regex
    assert.equal(line?.replace(/\u001b\[[0-9;]*m/g, '').slice(11), '* bob joined sports');
  });
});

describe('client arguments and backoff', () => {
  test('positionals and --url', () => {
    assert.deepEqual(parseCliArgs(['alice', 'sports', '--url', 'ws://127.0.0.1:1/ws']), { username: 'alice', topic: 'sports', url: 'ws://127.0.0.1:1/ws', keepaliveMs: 30_000 });
    assert.deepEqual(parseCliArgs([]), { username: undefined, topic: undefined, url: 'ws://localhost:8000/ws', keepaliveMs: 30_000 });
    assert.equal((parseCliArgs(['--keepalive', '0.5']) as { keepaliveMs: number }).keepaliveMs, 500);
    assert.equal((parseCliArgs(['--keepalive', '0']) as { keepaliveMs: number }).keepaliveMs, 0);
    assert.equal(parseCliArgs(['--help']), 'help');
    assert.equal(parseCliArgs(['-h']), 'help');
  });

  test('bad arguments are usage errors', () => {
    assert.throws(() => parseCliArgs(['--nope']), UsageError);
    assert.throws(() => parseCliArgs(['a', 'b', 'c']), UsageError);
    assert.throws(() => parseCliArgs(['--url']), UsageError);
    assert.throws(() => parseCliArgs(['--url', 'http://x/ws']), UsageError);
    assert.throws(() => parseCliArgs(['--url', 'not a url']), UsageError);
    assert.throws(() => parseCliArgs(['--keepalive', '-1']), /--keepalive/);
    assert.throws(() => parseCliArgs(['--keepalive', 'soon']), /--keepalive/);
  });

  test('--ca reads a PEM file, --insecure skips verification; both only for wss://', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const files: Record<string, string> = { 'ca.pem': pem, 'junk.txt': 'hello' };
    const read = (path: string): string => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    };
    const wss = ['--url', 'wss://127.0.0.1:1/ws'];
    assert.equal((parseCliArgs([...wss, '--ca', 'ca.pem'], read) as { ca: string }).ca, pem);
    assert.equal((parseCliArgs([...wss, '--insecure'], read) as { insecure: boolean }).insecure, true);
    assert.throws(() => parseCliArgs([...wss, '--ca', 'missing.pem'], read), /cannot read --ca missing\.pem/);
    assert.throws(() => parseCliArgs([...wss, '--ca', 'junk.txt'], read), /no PEM certificate/);
    assert.throws(() => parseCliArgs([...wss, '--ca', 'ca.pem', '--insecure'], read), /exclude each other/);
    assert.throws(() => parseCliArgs(['--insecure'], read), /for wss:\/\/ URLs/);
    assert.throws(() => parseCliArgs(['--ca', 'ca.pem'], read), /for wss:\/\/ URLs/);
  });

  test('certificate errors are told apart from network errors', () => {
    const withCode = (code: string): Error => Object.assign(new Error(code), { code });
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      assert.equal(isCertificateError(withCode(code)), true, code);
    }
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']) assert.equal(isCertificateError(withCode(code)), false, code);
    assert.equal(isCertificateError(new Error('no code')), false);
  });

  test('backoff doubles from 0.5 s to at most 10 s, with bounded jitter', () => {
    const mid = (): number => 0.5;
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, mid)), [500, 1000, 2000, 4000, 8000, 10000, 10000]);
    assert.equal(backoffDelay(1, () => 0), 400);
    assert.equal(backoffDelay(1, () => 0.999999), 600);
    assert.equal(backoffDelay(10, () => 0.999999), 10000);
  });
});
