// RespParser and encodeCommand (lib/redis/resp.ts), RESP2 without I/O. Every
// reply is fed whole, split at every byte, one byte at a time, and
// concatenated with the others, and must come out the same each way. Replies
// are written by hand here so that malformed ones can be made too.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand, RespParser, type RedisReply, type RespParserOptions } from '../../lib/redis/resp.ts';
import { RedisReplyError, RespProtocolError } from '../../lib/redis/errors.ts';

/** Pinned in CI, new per run by hand with SEED=random, or SEED=<n> to replay. */
const SEED = process.env.SEED === 'random' ? (Date.now() >>> 0) || 1 : Number(process.env.SEED ?? 20240611) >>> 0 || 1;

function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

function parseChunks(chunks: Buffer[], options?: RespParserOptions): RedisReply[] {
  const replies: RedisReply[] = [];
  const parser = new RespParser((reply) => replies.push(reply), options);
  for (const chunk of chunks) parser.push(chunk);
  assert.equal(parser.idle, true, 'nothing left half-parsed');
  return replies;
}

/** Whole, at every two-way split, and byte by byte: always the same replies. */
function assertEverySplit(wire: Buffer, expected: RedisReply[], options?: RespParserOptions): void {
  assert.deepEqual(parseChunks([wire], options), expected, 'whole');
  for (let at = 0; at <= wire.length; at++) {
    assert.deepEqual(parseChunks([wire.subarray(0, at), wire.subarray(at)], options), expected, `split at byte ${at}`);
  }
  const bytes = [...wire].map((byte) => Buffer.from([byte]));
  assert.deepEqual(parseChunks(bytes, options), expected, 'byte by byte');
}

const big = 'x'.repeat(70_000) + '\r\n' + 'é'.repeat(1000);
const cases: Array<[string, string | Buffer, RedisReply]> = [
  ['simple string', '+OK\r\n', 'OK'],
  ['empty simple string', '+\r\n', ''],
  ['error', '-ERR unknown command\r\n', new RedisReplyError('ERR unknown command')],
  ['integer', ':1000\r\n', 1000],
  ['negative integer', ':-42\r\n', -42],
  ['zero', ':0\r\n', 0],
  ['largest signed 64-bit integer', ':9223372036854775807\r\n', 9223372036854775807n],
  ['smallest signed 64-bit integer', ':-9223372036854775808\r\n', -9223372036854775808n],
  ['largest safe integer', `:${Number.MAX_SAFE_INTEGER}\r\n`, Number.MAX_SAFE_INTEGER],
  ['bulk string', '$5\r\nhello\r\n', 'hello'],
  ['empty bulk string', '$0\r\n\r\n', ''],
  ['bulk string holding CRLF', '$4\r\na\r\nb\r\n', 'a\r\nb'],
  ['bulk string of multi-byte UTF-8', `$${Buffer.byteLength('héllo €')}\r\nhéllo €\r\n`, 'héllo €'],
  ['null bulk string', '$-1\r\n', null],
  ['empty array', '*0\r\n', []],
  ['null array', '*-1\r\n', null],
  ['mixed array', '*5\r\n:1\r\n$3\r\nfoo\r\n+OK\r\n$-1\r\n-WRONGTYPE bad\r\n', [1, 'foo', 'OK', null, new RedisReplyError('WRONGTYPE bad')]],
  ['nested arrays (an XREAD reply)', '*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n',
    [['s', [['1-0', ['k', 'v']]]]]],
  ['arrays nested with empty and null ones', '*3\r\n*0\r\n*-1\r\n*1\r\n*0\r\n', [[], null, [[]]]],
];

describe('RespParser: each reply type, split at every byte', () => {
  for (const [name, wire, expected] of cases) {
    test(name, () => assertEverySplit(Buffer.from(wire), [expected]));
  }

  test('all of them concatenated, as a pipelined answer', () => {
    const wire = Buffer.concat(cases.map(([, bytes]) => Buffer.from(bytes)));
    assertEverySplit(wire, cases.map(([, , expected]) => expected));
  });

  test('an error reply is a value with its code, not a throw', () => {
    const [reply] = parseChunks([Buffer.from('-NOAUTH Authentication required.\r\n')]);
    assert.ok(reply instanceof RedisReplyError);
    assert.equal(reply.code, 'NOAUTH');
    assert.equal(reply.message, 'NOAUTH Authentication required.');
    assert.equal(new RedisReplyError('no code here').code, 'ERR');
  });

  test(`a big bulk string in random chunks (SEED=${SEED})`, (t) => {
    t.diagnostic(`SEED=${SEED}`);
    const random = prng(SEED);
    const wire = Buffer.from(`*2\r\n$${Buffer.byteLength(big)}\r\n${big}\r\n:7\r\n`);
    const chunks: Buffer[] = [];
    for (let at = 0; at < wire.length;) {
      const size = 1 + Math.floor(random() * 9000);
      chunks.push(wire.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(parseChunks(chunks), [[big, 7]]);
  });

  test('bulkAsBuffer gives Buffers, byte for byte, that do not share the input', () => {
    const binary = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x80]);
    const wire = Buffer.concat([Buffer.from('*2\r\n$5\r\n'), binary, Buffer.from('\r\n+OK\r\n')]);
    assertEverySplit(wire, [[binary, 'OK']], { bulkAsBuffer: true });
    const [reply] = parseChunks([wire], { bulkAsBuffer: true }) as [Buffer[]];
    wire.fill(0);
    assert.deepEqual(reply[0], binary);
  });

  test('stop() from inside the callback delivers nothing more', () => {
    const replies: RedisReply[] = [];
    const parser = new RespParser((reply) => { replies.push(reply); parser.stop(); });
    parser.push(Buffer.from('+A\r\n+B\r\n'));
    parser.push(Buffer.from('+C\r\n'));
    assert.deepEqual(replies, ['A']);
  });
});

describe('RespParser: protocol errors and limits', () => {
  const bad: Array<[string, string, RespParserOptions?]> = [
    ['an unknown type byte', '?1\r\n'],
    ['a RESP3 map', '%1\r\n+a\r\n+b\r\n'],
    ['an empty line', '\r\n'],
    ['CR without LF', '+OK\rX\n'],
    ['an integer with letters', ':12a\r\n'],
    ['an integer with no digits', ':-\r\n'],
    ['an integer beyond 64 bits', ':9223372036854775808\r\n'],
    ['a bulk length below -1', '$-2\r\n'],
    ['a bulk length with a sign only', '$\r\n'],
    ['a bulk body longer than declared', '$2\r\nabc\r\n'],
    ['an array length below -1', '*-5\r\n'],
    ['a bulk string over the limit', '$11\r\n', { maxBulkLength: 10 }],
    ['an array over the limit', '*4\r\n', { maxArrayLength: 3 }],
    ['arrays nested too deep', '*1\r\n*1\r\n*1\r\n', { maxDepth: 2 }],
    ['a line over the limit, before its end arrives', '+' + 'a'.repeat(20), { maxLineLength: 16 }],
    ['the default bulk limit (512 MiB)', `$${512 * 1024 * 1024 + 1}\r\n`],
    ['the default array limit (2^20)', `*${2 ** 20 + 1}\r\n`],
  ];
  for (const [name, wire, options] of bad) {
    test(`${name} is a RespProtocolError, and the parser stays failed`, () => {
      const replies: RedisReply[] = [];
      const parser = new RespParser((reply) => replies.push(reply), options);
      assert.throws(() => parser.push(Buffer.from(wire)), RespProtocolError);
      assert.throws(() => parser.push(Buffer.from('+OK\r\n')), RespProtocolError);
      assert.deepEqual(replies, []);
    });
  }

  test('replies before the fault are delivered', () => {
    const replies: RedisReply[] = [];
    const parser = new RespParser((reply) => replies.push(reply));
    assert.throws(() => parser.push(Buffer.from('+OK\r\n:1\r\n!\r\n')), RespProtocolError);
    assert.deepEqual(replies, ['OK', 1]);
  });

  test('limits that are exactly met are fine', () => {
    assert.deepEqual(parseChunks([Buffer.from('$3\r\nabc\r\n*2\r\n*1\r\n:1\r\n:2\r\n')], { maxBulkLength: 3, maxArrayLength: 2, maxDepth: 2 }),
      ['abc', [[1], 2]]);
  });
});

describe('encodeCommand', () => {
  test('strings, numbers and Buffers become an array of bulk strings', () => {
    assert.equal(encodeCommand(['SET', 'k', 'v']).toString(), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    assert.equal(encodeCommand(['EXPIRE', 'k', 30]).toString(), '*3\r\n$6\r\nEXPIRE\r\n$1\r\nk\r\n$2\r\n30\r\n');
    assert.equal(encodeCommand(['SET', 'é', '']).toString(), '*3\r\n$3\r\nSET\r\n$2\r\né\r\n$0\r\n\r\n');
    const binary = Buffer.from([0x0d, 0x0a, 0xff]);
    assert.deepEqual(encodeCommand(['SET', binary, 'x']),
      Buffer.concat([Buffer.from('*3\r\n$3\r\nSET\r\n$3\r\n'), binary, Buffer.from('\r\n$1\r\nx\r\n')]));
  });

  test('what it encodes parses back to the arguments', () => {
    const args = ['XADD', 'log', '*', 'c', 'line one\r\nline two', '€', '-1.5'];
    assert.deepEqual(parseChunks([encodeCommand(args)]), [args]);
  });

  test('refuses what Redis could not be sent', () => {
    assert.throws(() => encodeCommand([]), TypeError);
    assert.throws(() => encodeCommand(['SET', 'k', Number.NaN]), TypeError);
    assert.throws(() => encodeCommand(['SET', 'k', Infinity]), TypeError);
    assert.throws(() => encodeCommand(['SET', 'k', {} as unknown as string]), TypeError);
  });
});
