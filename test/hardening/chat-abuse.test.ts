/**
 * Hardening, what an attacker sends (issue 10, items 1 and 8), over real
 * sockets against the in-process server:
 *
 * - Names built to make Unicode normalisation quadratic (one base letter and
 *   tens of thousands of combining marks of alternating classes) must cost
 *   about what a plain frame of the same size costs. The server runs in this
 *   process, so process.cpuUsage() measures its work (and the client's, the
 *   same for both kinds of frame); the bound is a ratio of CPU measured in
 *   the same test, never a clock threshold.
 * - Names that render as nothing or are not Unicode text are refused, in
 *   names, topics and messages; real scripts keep working.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join, ourClient, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';

/** U+0301 (above, class 230) and U+0316 (below, class 220) alternate: canonical reordering works at every mark. */
const HOSTILE_MARKS = ['\u0301', '\u0316'] as const;
/** Marks per name: with the JSON around it the frame stays just under the 64 KiB --max-payload. */
const MARKS = 32_000;
/** Frames of each kind measured per case. */
const ROUNDS = 24;
/**
 * Hostile CPU may be at most this many times normal CPU. Both frames have
 * the same UTF-8 bytes and UTF-16 units and are refused by the same length
 * check, so the fair ratio is about 1; 5 leaves room for a GC pause landing
 * on one side. Without the bound before NFC the ratio is in the hundreds.
 */
const MAX_CPU_RATIO = 5;

/**
 * One server for the calling describe block, started before its tests and
 * stopped after them; the returned `open()` connects a client to it that is
 * destroyed then too.
 */
function clientsOfOneServer(overrides: Parameters<typeof startChatServer>[0] = {}): () => Promise<ChatTestClient> {
  let server: RunningChatServer;
  const clients: ChatTestClient[] = [];
  before(async () => {
    server = await startChatServer(overrides);
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });
  return async () => {
    const client = await ourClient(server.url);
    clients.push(client);
    return client;
  };
}

function hostileName(): string {
  let name = 'a';
  for (let i = 0; i < MARKS; i++) name += HOSTILE_MARKS[i & 1];
  return name;
}

/** Same UTF-8 size and UTF-16 length as hostileName(), already in NFC: U+00E9 is two bytes, one unit. */
function plainName(): string {
  return 'a' + '\u00e9'.repeat(MARKS);
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** CPU (µs) of sending `text` and waiting for the reply of `type`, which is returned too. */
async function measuredReply(client: ChatTestClient, text: string, type: string): Promise<{ micros: number; reply: Frame }> {
  const before = cpuMicros();
  client.send(text);
  const reply = await client.next(type, 30_000);
  return { micros: cpuMicros() - before, reply };
}

interface AbuseCase {
  what: string;
  /** Joins or not, on a fresh connection, before the frames are sent. */
  prepare(client: ChatTestClient): Promise<void>;
  frame(name: string): string;
  reply: { type: string; code: string };
}

const CASES: AbuseCase[] = [
  {
    what: 'a join whose username',
    prepare: async () => {},
    frame: (name) => JSON.stringify({ username: name, topic: 'lobby-test' }),
    reply: { type: 'error', code: 'invalid_join' },
  },
  {
    what: 'a join whose topic',
    prepare: async () => {},
    frame: (name) => JSON.stringify({ username: 'mallory', topic: name }),
    reply: { type: 'error', code: 'invalid_join' },
  },
  {
    what: '/join whose topic',
    prepare: async (client) => void (await join(client, 'mallory', 'attack')),
    frame: (name) => `/join ${name}`,
    reply: { type: 'error', code: 'invalid_join' },
  },
  {
    what: '/dm whose name prefix',
    prepare: async (client) => void (await join(client, 'mallory', 'attack')),
    frame: (name) => `/dm ${name} hello`,
    reply: { type: 'error', code: 'user_not_found' },
  },
];

describe('quadratic normalisation (issue 10, item 1)', () => {
  const open = clientsOfOneServer();

  for (const abuse of CASES) {
    it(`${abuse.what} is a base letter and ${MARKS} combining marks costs about what a plain one of the same size costs`, { timeout: 120_000 }, async (t) => {
      const hostile = abuse.frame(hostileName());
      const plain = abuse.frame(plainName());
      assert.equal(Buffer.byteLength(hostile), Buffer.byteLength(plain), 'both frames have the same size');
      assert.ok(Buffer.byteLength(hostile) > 60_000 && Buffer.byteLength(hostile) <= 65_536, 'a frame near --max-payload');

      const attacker = await open();
      await abuse.prepare(attacker);
      // Warm-up: the first frames of each kind pay for compilation.
      for (let i = 0; i < 2; i++) {
        await measuredReply(attacker, plain, abuse.reply.type);
        await measuredReply(attacker, hostile, abuse.reply.type);
      }
      let hostileMicros = 0;
      let plainMicros = 0;
      // Interleaved, so that a slower moment of the machine hits both kinds alike.
      for (let i = 0; i < ROUNDS; i++) {
        const h = await measuredReply(attacker, hostile, abuse.reply.type);
        assert.equal(h.reply['code'], abuse.reply.code, `hostile frame: ${JSON.stringify(h.reply).slice(0, 200)}`);
        hostileMicros += h.micros;
        const p = await measuredReply(attacker, plain, abuse.reply.type);
        assert.equal(p.reply['code'], abuse.reply.code);
        plainMicros += p.micros;
      }
      t.diagnostic(
        `${ROUNDS} frames each: hostile ${(hostileMicros / 1000).toFixed(1)} ms CPU, plain ${(plainMicros / 1000).toFixed(1)} ms CPU, ` +
          `ratio ${(hostileMicros / plainMicros).toFixed(2)} (bound ${MAX_CPU_RATIO})`,
      );
      assert.ok(
        hostileMicros <= MAX_CPU_RATIO * plainMicros,
        `hostile frames cost ${hostileMicros} µs of CPU, plain ones ${plainMicros} µs: more than ${MAX_CPU_RATIO} times`,
      );
    });
  }

  it('a pipelined burst of hostile joins and a bystander round trip: every join refused, the message delivered', { timeout: 60_000 }, async () => {
    const [alice, bob, attacker] = [await open(), await open(), await open()];
    await join(alice, 'alice', 'bystanders');
    await join(bob, 'bob', 'bystanders');
    await alice.next('joined');
    const hostile = JSON.stringify({ username: hostileName(), topic: 'x' });
    const burst = 20;
    for (let i = 0; i < burst; i++) attacker.send(hostile);
    bob.send({ message: 'still there?', ref: 'r1' });
    const message = await alice.next('message', 30_000);
    assert.equal(message['message'], 'still there?');
    assert.equal((await bob.next('ack', 30_000))['recipients'], 1);
    for (let i = 0; i < burst; i++) assert.equal((await attacker.next('error', 30_000))['code'], 'invalid_join');
  });
});

// ---------------------------------------------------------------------------
// Item 8: invisible names and text that is not Unicode
// ---------------------------------------------------------------------------

/** JSON string literals, written by hand so that a lone surrogate travels as its `\uXXXX` escape. */
const INVISIBLE_NAMES: [string, string][] = [
  ['U+3164 HANGUL FILLER', '"\\u3164"'],
  ['three U+3164', '"\\u3164\\u3164\\u3164"'],
  ['U+2800 BRAILLE PATTERN BLANK', '"\\u2800"'],
  ['U+2800 twice', '"\\u2800\\u2800"'],
  ['U+115F HANGUL CHOSEONG FILLER', '"\\u115f"'],
  ['U+115F U+1160', '"\\u115f\\u1160"'],
  ['U+034F COMBINING GRAPHEME JOINER', '"\\u034f"'],
  ['U+FE0F VARIATION SELECTOR-16 alone', '"\\ufe0f"'],
  ['U+FE00 VARIATION SELECTOR-1', '"\\ufe00"'],
  ['U+E0100 VARIATION SELECTOR-17', '"\\udb40\\udd00"'],
  ['U+200B ZERO WIDTH SPACE', '"\\u200b"'],
  ['a mix of blanks and spaces', '" \\u3164 \\u2800 \\u200b "'],
  ['a look-alike: bob + U+3164', '"bob\\u3164"'],
  ['a look-alike: bob + U+034F', '"bob\\u034f"'],
  ['a look-alike: bob + U+FE00', '"bob\\ufe00"'],
  ['a look-alike: b + U+200B + ob', '"b\\u200bob"'],
  ['a lone high surrogate', '"\\ud800"'],
  ['a lone surrogate inside', '"a\\ud800b"'],
  ['a lone low surrogate at the end', '"ab\\udc00"'],
  ['a reversed pair', '"\\udc00\\ud800"'],
];

const BLANK_MESSAGES: [string, string][] = [
  ['U+3164', '"\\u3164"'],
  ['U+2800 twice', '"\\u2800\\u2800"'],
  ['U+200B', '"\\u200b"'],
  ['U+034F', '"\\u034f"'],
  ['U+FE0F', '"\\ufe0f"'],
  ['blanks, a space and a line break', '" \\u3164\\n\\u115f"'],
];

const NOT_UNICODE_MESSAGES: [string, string][] = [
  ['a lone high surrogate', '"hi \\ud800"'],
  ['a lone low surrogate', '"\\udfff"'],
  ['a reversed pair', '"x\\udc00\\ud800y"'],
];

/** Real names in many scripts, with combining marks where the script has them. */
const REAL_NAMES: [string, string][] = [
  ['Arabic with vowel marks (NFC reorders shadda and fatha)', 'مُحَمَّد'],
  ['Arabic', 'مرحبا'],
  ['Hebrew with niqqud', 'שָׁלוֹם'],
  ['Devanagari with virama and vowel signs', 'नमस्ते'],
  ['CJK', '你好世界'],
  ['emoji with VS16', '❤️'],
  ['emoji with a skin tone', '👍🏽'],
  ['keycap sequence', '1️⃣'],
  ['Hangul syllables', '안녕하세요'],
  ['Hangul conjoining jamo (NFC composes them)', '\u1100\u1161\u11a8'],
  ['Thai with combining vowels', 'สวัสดี'],
  ['Latin, decomposed', 'Jose\u0301'],
  ['a name with a braille blank inside', 'a\u2800b'],
];

/** The very next frame must be an error; returns its code. */
async function refusal(client: ChatTestClient, what: string): Promise<unknown> {
  const frame = await client.next();
  assert.equal(frame.type, 'error', `${what}: expected a refusal, got ${JSON.stringify(frame)}`);
  return frame['code'];
}

describe('invisible names and text that is not Unicode (issue 10, item 8)', () => {
  const open = clientsOfOneServer({ rateLimit: 0 });

  it('refuses names and topics that render as nothing, look like another, or hold lone surrogates (invalid_join)', { timeout: 20_000 }, async () => {
    const lobby = await open();
    const member = await open();
    await join(member, 'member', 'home');
    for (const [what, literal] of INVISIBLE_NAMES) {
      lobby.send(`{"username":${literal},"topic":"t"}`);
      assert.equal(await refusal(lobby, `username: ${what}`), 'invalid_join');
      lobby.send(`{"username":"carol","topic":${literal}}`);
      assert.equal(await refusal(lobby, `topic: ${what}`), 'invalid_join');
      // /join inside a JSON message, the only way to get an escape into a command.
      member.send(`{"message":"/join ${literal.slice(1)}}`);
      assert.equal(await refusal(member, `/join: ${what}`), 'invalid_join');
    }
    // Still in the lobby, still at home, and nobody was joined on the way.
    assert.equal(lobby.frames.filter((f) => f.type !== 'error').length, 0);
    member.send('/who');
    assert.deepEqual((await member.next('users'))['users'], ['member']);
    const list = await (lobby.send('/list'), lobby.next('topics'));
    assert.deepEqual(list['topics'], [{ topic: 'home', users: 1 }]);
  });

  it('refuses blank messages (empty_message) and lone surrogates (invalid_message), in messages and DMs; nothing is relayed', { timeout: 20_000 }, async () => {
    const [sender, reader] = [await open(), await open()];
    await join(sender, 'sender', 'messages');
    await join(reader, 'reader', 'messages');
    await sender.next('joined');
    const cases: [string, string, string][] = [
      ...BLANK_MESSAGES.map(([what, literal]): [string, string, string] => [what, literal, 'empty_message']),
      ...NOT_UNICODE_MESSAGES.map(([what, literal]): [string, string, string] => [what, literal, 'invalid_message']),
    ];
    for (const [what, literal, code] of cases) {
      sender.send(`{"message":${literal},"ref":1}`);
      assert.equal(await refusal(sender, `message: ${what}`), code, `message: ${what}`);
      sender.send(`{"message":"/dm reader ${literal.slice(1)}}`);
      assert.equal(await refusal(sender, `/dm: ${what}`), code, `/dm: ${what}`);
    }
    // A round trip behind them: the reader got only it.
    sender.send({ message: 'done', ref: 'last' });
    assert.equal((await sender.next('ack'))['ref'], 'last');
    assert.equal((await reader.next('message'))['message'], 'done');
    assert.deepEqual(
      reader.frames.filter((f) => f.type === 'message' || f.type === 'dm').map((f) => f['message']),
      ['done'],
    );
    assert.equal(sender.frames.filter((f) => f.type === 'ack').length, 1);
  });

  it('keeps every real script working: names, topics, messages and DMs, exactly as typed (in NFC)', { timeout: 20_000 }, async () => {
    for (const [what, name] of REAL_NAMES) {
      const nfc = name.normalize('NFC');
      const [a, b] = [await open(), await open()];
      const welcome = await join(a, name, name);
      assert.equal(welcome['username'], nfc, `username: ${what}`);
      assert.equal(welcome['topic'], nfc, `topic: ${what}`);
      await join(b, 'reader', name);
      const text = `${name} — ${what} 👨‍👩‍👧`;
      a.send({ message: text });
      const message = await b.next('message');
      assert.equal(message['message'], text, `message: ${what}`);
      assert.equal(message['username'], nfc);
      b.send({ message: `/dm ${nfc} ${text}` });
      const dm = await a.next('dm');
      assert.equal(dm['message'], text, `dm: ${what}`);
      assert.equal(dm['from'], 'reader');
      a.destroy();
      b.destroy();
    }
  });
});
