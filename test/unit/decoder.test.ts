// FrameDecoder (the sans-I/O receiving half of RFC 6455): frames in, events
// out. Frames here are built by hand (not with lib/websocket/encoder.ts) so
// that malformed ones can be made too.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, type DecoderHandler, type DecoderOptions } from '../../lib/websocket/decoder.ts';

const T = { timeout: 10_000 };

const OP = { CONT: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa } as const;
type Role = 'server' | 'client';

// ---------------------------------------------------------------- frames

interface FrameOpts {
  fin?: boolean;
  /** 3-bit RSV value: RSV1 = 4, RSV2 = 2, RSV3 = 1 (§5.2). */
  rsv?: number;
  /** Masked or not; by default masked when the decoder is a server (clients mask, §5.1). */
  masked?: boolean;
  /** Force a length form, even a non-minimal one. */
  form?: 7 | 16 | 64;
  /** Length written in the header (default: the payload's). */
  declared?: number | bigint;
}

const KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]); // RFC 6455 §5.7

/** One frame per §5.2, masked per §5.3 with KEY when `masked`. */
function frame(role: Role, opcode: number, payload: Buffer | string = '', o: FrameOpts = {}): Buffer {
  const body = Buffer.from(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
  const masked = o.masked ?? role === 'server';
  const declared = BigInt(o.declared ?? body.length);
  const form = o.form ?? (declared < 126n ? 7 : declared < 65536n ? 16 : 64);
  const ext = form === 16 ? 2 : form === 64 ? 8 : 0;
  const head = Buffer.alloc(2 + ext + (masked ? 4 : 0));
  head[0] = ((o.fin ?? true) ? 0x80 : 0) | (((o.rsv ?? 0) & 7) << 4) | (opcode & 0x0f);
  if (form === 7) head[1] = Number(declared);
  else if (form === 16) {
    head[1] = 126;
    head.writeUInt16BE(Number(declared), 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(declared, 2);
  }
  if (masked) {
    head[1] = head[1]! | 0x80;
    KEY.copy(head, 2 + ext);
    for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ KEY[i & 3]!;
  }
  return Buffer.concat([head, body]);
}

function closeBody(code: number, reason: Buffer | string = ''): Buffer {
  const r = typeof reason === 'string' ? Buffer.from(reason, 'utf8') : reason;
  const b = Buffer.alloc(2 + r.length);
  b.writeUInt16BE(code, 0);
  r.copy(b, 2);
  return b;
}

// ---------------------------------------------------------------- recording

type Event =
  | ['text', string]
  | ['binary', string]
  | ['ping', string]
  | ['pong', string]
  | ['close', number, string]
  | ['fault', number];

/** Records every callback; buffers are copied (as hex) since they may be views of the input. */
class Recorder implements DecoderHandler {
  readonly events: Event[] = [];
  onMessage(data: string | Buffer, isBinary: boolean): void {
    if (isBinary) {
      assert.ok(Buffer.isBuffer(data), 'binary messages are Buffers');
      this.events.push(['binary', data.toString('hex')]);
    } else {
      assert.equal(typeof data, 'string', 'text messages are strings');
      this.events.push(['text', data as string]);
    }
  }
  onPing(payload: Buffer): void {
    this.events.push(['ping', payload.toString('hex')]);
  }
  onPong(payload: Buffer): void {
    this.events.push(['pong', payload.toString('hex')]);
  }
  onClose(code: number, reason: string): void {
    this.events.push(['close', code, reason]);
  }
  onFault(code: number, reason: string): void {
    assert.equal(typeof reason, 'string');
    this.events.push(['fault', code]);
  }
}

const LIMITS = { maxMessageSize: 1 << 20, maxFragments: 1000 };

function decoder(role: Role, opts: Partial<DecoderOptions> = {}): { dec: FrameDecoder; rec: Recorder } {
  const rec = new Recorder();
  const dec = new FrameDecoder(rec, { ...LIMITS, ...opts, role });
  return { dec, rec };
}

/**
 * Feeds `chunks` (copied: the decoder unmasks in place and takes ownership)
 * to a fresh decoder and returns what it reported.
 */
function run(role: Role, chunks: Buffer[], opts: Partial<DecoderOptions> = {}): Event[] {
  const { dec, rec } = decoder(role, opts);
  for (const c of chunks) dec.push(Buffer.from(c));
  return rec.events;
}

/** The same bytes fed whole, split in two at every position, and byte by byte: always the same events. */
function assertSplitInvariant(role: Role, bytes: Buffer, expected: Event[], opts: Partial<DecoderOptions> = {}): void {
  assert.deepEqual(run(role, [bytes], opts), expected, 'one chunk');
  for (let k = 0; k <= bytes.length; k++) {
    const got = run(role, [bytes.subarray(0, k), bytes.subarray(k)], opts);
    if (!isDeepEqual(got, expected)) assert.deepEqual(got, expected, `two chunks split at ${k}`);
  }
  const singles: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) singles.push(bytes.subarray(i, i + 1));
  assert.deepEqual(run(role, singles, opts), expected, 'one byte at a time');
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const ROLES: Role[] = ['server', 'client'];

// ---------------------------------------------------------------- valid streams

describe('FrameDecoder: valid streams, split at every byte position', () => {
  for (const role of ROLES) {
    test(`${role} role: text, binary, fragmented text with ping in between, pong, close`, T, () => {
      const bin = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 13) & 0xff)); // 16-bit length
      const euro = Buffer.from('€', 'utf8'); // e2 82 ac, split across fragments
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, 'héllo €𝄞'),
        frame(role, OP.BINARY, bin),
        frame(role, OP.TEXT, Buffer.concat([Buffer.from('frag-'), euro.subarray(0, 1)]), { fin: false }),
        frame(role, OP.PING, 'are you there'),
        frame(role, OP.CONT, euro.subarray(1, 2), { fin: false }),
        frame(role, OP.CONT, '', { fin: false }), // empty fragment (§5.4 allows it)
        frame(role, OP.CONT, Buffer.concat([euro.subarray(2), Buffer.from('-end')])),
        frame(role, OP.PONG, ''),
        frame(role, OP.BINARY, ''),
        frame(role, OP.TEXT, ''),
        frame(role, OP.BINARY, Buffer.from([0xff, 0xfe]), { fin: false }), // binary is not UTF-8 checked
        frame(role, OP.PING, Buffer.alloc(125, 0x70)), // largest control payload (§5.5)
        frame(role, OP.CONT, Buffer.from([0x00])),
        frame(role, OP.TEXT, 'x', { form: 16 }), // non-minimal length forms are accepted
        frame(role, OP.TEXT, 'y', { form: 64 }),
        frame(role, OP.CLOSE, closeBody(1000, 'bye ✓')),
      ]);
      const expected: Event[] = [
        ['text', 'héllo €𝄞'],
        ['binary', bin.toString('hex')],
        ['ping', Buffer.from('are you there').toString('hex')],
        ['text', 'frag-€-end'],
        ['pong', ''],
        ['binary', ''],
        ['text', ''],
        ['ping', '70'.repeat(125)],
        ['binary', 'fffe00'],
        ['text', 'x'],
        ['text', 'y'],
        ['close', 1000, 'bye ✓'],
      ];
      assertSplitInvariant(role, bytes, expected);
    });

    test(`${role} role: bytes after the Close frame are ignored`, T, () => {
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, 'before'),
        frame(role, OP.CLOSE, closeBody(1001)),
        frame(role, OP.TEXT, 'after'),
        Buffer.from([0xff, 0xff, 0xff]), // garbage must not be reported either
      ]);
      assertSplitInvariant(role, bytes, [['text', 'before'], ['close', 1001, '']]);
      const { dec, rec } = decoder(role);
      dec.push(Buffer.from(bytes));
      assert.equal(dec.stopped, true);
      dec.push(frame(role, OP.TEXT, 'later'));
      assert.equal(rec.events.length, 2);
    });

    test(`${role} role: 64-bit length frame (65536 bytes), split in the header and in the payload`, T, () => {
      const big = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff));
      const bytes = Buffer.concat([frame(role, OP.BINARY, big), frame(role, OP.TEXT, 'tail')]);
      const expected: Event[] = [['binary', big.toString('hex')], ['text', 'tail']];
      const header = role === 'server' ? 14 : 10;
      const positions = [
        ...Array.from({ length: header + 6 }, (_, i) => i),
        1000,
        32768,
        bytes.length - 9,
        bytes.length - 7,
        bytes.length - 1,
      ];
      assert.deepEqual(run(role, [bytes]), expected);
      for (const k of positions) {
        assert.deepEqual(run(role, [bytes.subarray(0, k), bytes.subarray(k)]), expected, `split at ${k}`);
      }
      // Irregular chunk sizes through the whole stream.
      for (const size of [1000, 4093]) {
        const chunks: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
        assert.deepEqual(run(role, chunks), expected, `chunks of ${size}`);
      }
    });
  }

  test('a binary message is delivered with the right bytes even if the input chunk is reused afterwards', T, () => {
    // The decoder takes ownership of chunks; a delivered message must hold its own bytes at least until the callback.
    const { dec, rec } = decoder('server');
    dec.push(frame('server', OP.BINARY, Buffer.from([1, 2, 3, 4, 5])));
    assert.deepEqual(rec.events, [['binary', '0102030405']]);
  });
});

// ---------------------------------------------------------------- faults

interface FaultCase {
  name: string;
  role: Role;
  bytes: Buffer;
  code: number;
  opts?: Partial<DecoderOptions>;
  /** Events expected before the fault. */
  before?: Event[];
}

/**
 * The fault is reported once, after anything legitimately before it, and
 * nothing afterwards: the decoder is stopped and ignores further pushes.
 */
function assertFault(c: FaultCase): void {
  const expected: Event[] = [...(c.before ?? []), ['fault', c.code]];
  assertSplitInvariant(c.role, c.bytes, expected, c.opts);
  const { dec, rec } = decoder(c.role, c.opts);
  dec.push(Buffer.from(c.bytes));
  assert.equal(dec.stopped, true, 'stopped after the fault');
  dec.push(frame(c.role, OP.TEXT, 'more'));
  dec.push(frame(c.role, OP.CLOSE, closeBody(1000)));
  assert.deepEqual(rec.events, expected, 'nothing reported after the fault');
}

describe('FrameDecoder: protocol faults (1002)', () => {
  // Each case is only the bytes up to the one that proves the fault, so it
  // is also a check that the fault is reported without waiting for more.
  const cases: FaultCase[] = [
    // §5.1: a server must fail on an unmasked frame, a client on a masked one.
    { name: 'unmasked frame to a server (header only)', role: 'server', bytes: hex('81 05'), code: 1002 },
    { name: 'unmasked frame to a server (whole frame)', role: 'server', bytes: frame('server', OP.TEXT, 'hello', { masked: false }), code: 1002 },
    { name: 'unmasked ping to a server', role: 'server', bytes: frame('server', OP.PING, '', { masked: false }), code: 1002 },
    { name: 'masked frame to a client (header only)', role: 'client', bytes: hex('81 85'), code: 1002 },
    { name: 'masked frame to a client (whole frame)', role: 'client', bytes: frame('client', OP.TEXT, 'hello', { masked: true }), code: 1002 },
    // §5.2: RSV bits without a negotiated extension.
    ...[1, 2, 3, 4, 5, 6, 7].flatMap((rsv) =>
      ROLES.map((role): FaultCase => ({ name: `RSV=${rsv} (first byte only)`, role, bytes: Buffer.from([0x80 | (rsv << 4) | OP.TEXT]), code: 1002 })),
    ),
    { name: 'RSV1 on a ping', role: 'server', bytes: frame('server', OP.PING, 'x', { rsv: 4 }), code: 1002 },
    { name: 'RSV3 on a continuation', role: 'server', bytes: Buffer.concat([frame('server', OP.TEXT, 'a', { fin: false }), frame('server', OP.CONT, 'b', { rsv: 1 })]), code: 1002 },
    // §5.2: reserved opcodes 3-7 (data) and 11-15 (control).
    ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].flatMap((op) =>
      ROLES.map((role): FaultCase => ({ name: `reserved opcode ${op} (first byte only)`, role, bytes: Buffer.from([0x80 | op]), code: 1002 })),
    ),
    { name: 'reserved opcode 3 without FIN', role: 'server', bytes: Buffer.from([0x03]), code: 1002 },
    { name: 'reserved opcode 11 whole frame', role: 'client', bytes: frame('client', 11, 'x'), code: 1002 },
    // §5.5: control frames must not be fragmented.
    ...[OP.CLOSE, OP.PING, OP.PONG].flatMap((op) =>
      ROLES.map((role): FaultCase => ({ name: `control opcode ${op} with FIN=0 (first byte only)`, role, bytes: Buffer.from([op]), code: 1002 })),
    ),
    { name: 'fragmented ping inside a fragmented text', role: 'server', bytes: Buffer.concat([frame('server', OP.TEXT, 'a', { fin: false }), frame('server', OP.PING, 'p', { fin: false })]), code: 1002 },
    // §5.5: control payloads are at most 125 bytes.
    ...[OP.CLOSE, OP.PING, OP.PONG].flatMap((op) =>
      ROLES.map((role): FaultCase => ({
        name: `control opcode ${op} with payload 126 (16-bit form, 2 header bytes)`,
        role,
        bytes: Buffer.from([0x80 | op, (role === 'server' ? 0x80 : 0) | 126]),
        code: 1002,
      })),
    ),
    { name: 'ping with a 126-byte payload, whole frame', role: 'server', bytes: frame('server', OP.PING, Buffer.alloc(126)), code: 1002 },
    { name: 'ping with 64-bit length form', role: 'client', bytes: Buffer.from([0x89, 127]), code: 1002 },
    // §5.2: the most significant bit of the 64-bit length must be 0.
    { name: '64-bit length with the top bit set (client, header only)', role: 'client', bytes: frame('client', OP.BINARY, '', { form: 64, declared: 1n << 63n }), code: 1002 },
    { name: '64-bit length 0xffffffffffffffff (server, header only)', role: 'server', bytes: frame('server', OP.BINARY, '', { form: 64, declared: (1n << 64n) - 1n }), code: 1002 },
    { name: '64-bit length with the top bit set on text', role: 'server', bytes: frame('server', OP.TEXT, '', { form: 64, declared: (1n << 63n) + 5n }), code: 1002 },
    // §5.4: a continuation with no message to continue.
    ...ROLES.map((role): FaultCase => ({ name: 'continuation without a message (first byte only)', role, bytes: Buffer.from([0x80]), code: 1002 })),
    { name: 'continuation with FIN=0 without a message', role: 'client', bytes: frame('client', OP.CONT, 'x', { fin: false }), code: 1002 },
    {
      name: 'continuation after a finished message',
      role: 'server',
      bytes: Buffer.concat([frame('server', OP.TEXT, 'done'), frame('server', OP.CONT, 'x')]),
      code: 1002,
      before: [['text', 'done']],
    },
    {
      name: 'continuation after a finished fragmented message',
      role: 'client',
      bytes: Buffer.concat([frame('client', OP.TEXT, 'a', { fin: false }), frame('client', OP.CONT, 'b'), frame('client', OP.CONT, 'c')]),
      code: 1002,
      before: [['text', 'ab']],
    },
    // §5.4: a new data message while a fragmented one is open.
    ...ROLES.flatMap((role) =>
      [OP.TEXT, OP.BINARY].map((op): FaultCase => ({
        name: `opcode ${op} while a fragmented text is open (first byte only)`,
        role,
        bytes: Buffer.concat([frame(role, OP.TEXT, 'start', { fin: false }), Buffer.from([0x80 | op])]),
        code: 1002,
      })),
    ),
    {
      name: 'text while a fragmented binary is open, after a ping',
      role: 'server',
      bytes: Buffer.concat([frame('server', OP.BINARY, 'b', { fin: false }), frame('server', OP.PING, 'p'), frame('server', OP.TEXT, 't')]),
      code: 1002,
      before: [['ping', '70']],
    },
    // §5.5.1: a close body is empty or at least 2 bytes.
    ...ROLES.map((role): FaultCase => ({ name: 'close payload of 1 byte', role, bytes: frame(role, OP.CLOSE, Buffer.from([0x03])), code: 1002 })),
  ];
  for (const c of cases) {
    test(`${c.role} role: ${c.name} → ${c.code}`, T, () => assertFault(c));
  }
});

describe('FrameDecoder: limits (1009)', () => {
  for (const role of ROLES) {
    const maxMessageSize = 1000;
    test(`${role} role: a 7-bit length over maxMessageSize is refused from the header alone`, T, () => {
      const bytes = frame(role, OP.TEXT, '', { declared: 101 });
      assertFault({ name: '', role, bytes, code: 1009, opts: { maxMessageSize: 100 } });
    });
    test(`${role} role: a 16-bit length over maxMessageSize is refused from the header alone`, T, () => {
      const bytes = frame(role, OP.BINARY, '', { declared: 1001 });
      assert.equal(bytes.length, role === 'server' ? 8 : 4, 'only the header');
      assertFault({ name: '', role, bytes, code: 1009, opts: { maxMessageSize } });
    });
    test(`${role} role: a 64-bit length over maxMessageSize is refused from the header alone`, T, () => {
      const bytes = frame(role, OP.BINARY, '', { declared: 2 ** 40 });
      assert.equal(bytes.length, role === 'server' ? 14 : 10, 'only the header');
      assertFault({ name: '', role, bytes, code: 1009, opts: { maxMessageSize } });
    });
    test(`${role} role: exactly maxMessageSize is accepted, in one frame and in fragments`, T, () => {
      const whole = Buffer.alloc(maxMessageSize, 0x61);
      assert.deepEqual(run(role, [frame(role, OP.TEXT, whole)], { maxMessageSize }), [['text', whole.toString()]]);
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, whole.subarray(0, 400), { fin: false }),
        frame(role, OP.CONT, whole.subarray(400, 999), { fin: false }),
        frame(role, OP.CONT, whole.subarray(999)),
        frame(role, OP.TEXT, whole), // the size is per message: the next message starts from 0
      ]);
      assert.deepEqual(run(role, [bytes], { maxMessageSize }), [['text', whole.toString()], ['text', whole.toString()]]);
    });
    test(`${role} role: fragments adding up to more than maxMessageSize → 1009 at the header of the fragment that exceeds`, T, () => {
      const bytes = Buffer.concat([
        frame(role, OP.BINARY, Buffer.alloc(600), { fin: false }),
        frame(role, OP.CONT, Buffer.alloc(400), { fin: false }),
        frame(role, OP.CONT, '', { declared: 1 }), // header only: one byte more than allowed
      ]);
      assertFault({ name: '', role, bytes, code: 1009, opts: { maxMessageSize } });
    });
    test(`${role} role: control frames do not count towards maxMessageSize`, T, () => {
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, 'abcd', { fin: false }),
        frame(role, OP.PING, Buffer.alloc(125)),
        frame(role, OP.CONT, 'e'),
      ]);
      assert.deepEqual(run(role, [bytes], { maxMessageSize: 5 }), [['ping', '00'.repeat(125)], ['text', 'abcde']]);
    });
    test(`${role} role: maxFragments frames are accepted, one more → 1009`, T, () => {
      const ok = Buffer.concat([
        frame(role, OP.TEXT, 'a', { fin: false }),
        frame(role, OP.CONT, 'b', { fin: false }),
        frame(role, OP.CONT, 'c'),
        frame(role, OP.TEXT, 'd', { fin: false }), // the count is per message
        frame(role, OP.CONT, 'e', { fin: false }),
        frame(role, OP.CONT, 'f'),
      ]);
      assert.deepEqual(run(role, [ok], { maxFragments: 3 }), [['text', 'abc'], ['text', 'def']]);
      const over = Buffer.concat([
        frame(role, OP.TEXT, 'a', { fin: false }),
        frame(role, OP.CONT, 'b', { fin: false }),
        frame(role, OP.CONT, '', { fin: false }),
        frame(role, OP.CONT, 'd'),
      ]);
      assertFault({ name: '', role, bytes: over, code: 1009, opts: { maxFragments: 3 } });
    });
  }
});

describe('FrameDecoder: UTF-8 in text messages (1007, RFC 6455 §8.1)', () => {
  for (const role of ROLES) {
    // Header declares 10 bytes; only the first payload bytes are fed: the
    // fault must come as soon as the bad byte is in (fail fast).
    const early: { name: string; payload: string }[] = [
      { name: 'ASCII then FF', payload: '41 ff' },
      { name: 'lone continuation byte', payload: '80' },
      { name: 'C0 (overlong lead)', payload: '41 42 c0' },
      { name: 'F4 90 (beyond U+10FFFF), second byte', payload: 'f4 90' },
      { name: 'ED A0 (surrogate), second byte', payload: 'ed a0' },
      { name: 'E0 80 (overlong 3-byte), second byte', payload: 'e0 80' },
      { name: 'F0 80 (overlong 4-byte), second byte', payload: 'f0 80' },
      { name: 'truncated 3-byte then ASCII', payload: 'e2 82 41' },
      { name: 'F5', payload: 'f5' },
    ];
    for (const { name, payload } of early) {
      test(`${role} role: ${name}: 1007 before the frame is complete`, T, () => {
        const full = frame(role, OP.TEXT, Buffer.concat([hex(payload), Buffer.alloc(10 - hex(payload).length, 0x61)]));
        const header = role === 'server' ? 6 : 2;
        const bytes = full.subarray(0, header + hex(payload).length);
        assertFault({ name, role, bytes, code: 1007 });
      });
    }

    test(`${role} role: invalid UTF-8 in a later fragment, before that fragment is complete`, T, () => {
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, 'ok-', { fin: false }),
        frame(role, OP.CONT, Buffer.from([0xe2, 0x82]), { fin: false }),
        frame(role, OP.PING, ''),
        frame(role, OP.CONT, hex('41 41 41'), { fin: true }).subarray(0, role === 'server' ? 7 : 3), // 41 where a continuation is due
      ]);
      assertFault({ name: '', role, bytes, code: 1007, before: [['ping', '']] });
    });

    test(`${role} role: a code point split across fragments is accepted`, T, () => {
      const g = Buffer.from('𝄞', 'utf8'); // f0 9d 84 9e
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, g.subarray(0, 1), { fin: false }),
        frame(role, OP.CONT, g.subarray(1, 2), { fin: false }),
        frame(role, OP.PING, 'x'),
        frame(role, OP.CONT, g.subarray(2, 3), { fin: false }),
        frame(role, OP.CONT, g.subarray(3)),
        frame(role, OP.TEXT, Buffer.concat([Buffer.from('a'), g.subarray(0, 2)]), { fin: false }),
        frame(role, OP.CONT, Buffer.concat([g.subarray(2), Buffer.from('b')])),
      ]);
      assertSplitInvariant(role, bytes, [['ping', '78'], ['text', '𝄞'], ['text', 'a𝄞b']]);
    });

    test(`${role} role: incomplete UTF-8 at the end of a one-frame message → 1007`, T, () => {
      assertFault({ name: '', role, bytes: frame(role, OP.TEXT, hex('61 e2 82')), code: 1007 });
    });

    test(`${role} role: incomplete UTF-8 at the end of a fragmented message → 1007`, T, () => {
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, hex('61 f0 9f'), { fin: false }),
        frame(role, OP.CONT, hex('98')),
      ]);
      assertFault({ name: '', role, bytes, code: 1007 });
    });

    test(`${role} role: incomplete UTF-8 ending with an empty final fragment → 1007`, T, () => {
      const bytes = Buffer.concat([frame(role, OP.TEXT, hex('c3'), { fin: false }), frame(role, OP.CONT, '')]);
      assertFault({ name: '', role, bytes, code: 1007 });
    });

    test(`${role} role: a new text message after a valid one starts with a clean UTF-8 state`, T, () => {
      const bytes = Buffer.concat([frame(role, OP.TEXT, 'é'), frame(role, OP.TEXT, 'ü')]);
      assertSplitInvariant(role, bytes, [['text', 'é'], ['text', 'ü']]);
    });

    test(`${role} role: binary messages are not UTF-8 checked`, T, () => {
      const bytes = frame(role, OP.BINARY, hex('ff c0 80 ed a0 80 f4 90 e2'));
      assertSplitInvariant(role, bytes, [['binary', 'ffc080eda080f490e2']]);
    });

    test(`${role} role: ping and pong payloads are not UTF-8 checked`, T, () => {
      const bytes = Buffer.concat([frame(role, OP.PING, hex('ff fe')), frame(role, OP.PONG, hex('c0'))]);
      assertSplitInvariant(role, bytes, [['ping', 'fffe'], ['pong', 'c0']]);
    });
  }
});

describe('FrameDecoder: Close frames (RFC 6455 §5.5.1, §7.4)', () => {
  const valid = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
  const invalid = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
  for (const role of ROLES) {
    test(`${role} role: valid close codes are reported with their reason`, T, () => {
      for (const code of valid) {
        assert.deepEqual(run(role, [frame(role, OP.CLOSE, closeBody(code, 'why'))]), [['close', code, 'why']], `code ${code}`);
        assert.deepEqual(run(role, [frame(role, OP.CLOSE, closeBody(code))]), [['close', code, '']], `code ${code}, no reason`);
      }
    });
    test(`${role} role: invalid close codes → 1002`, T, () => {
      for (const code of invalid) {
        assert.deepEqual(run(role, [frame(role, OP.CLOSE, closeBody(code, 'why'))]), [['fault', 1002]], `code ${code}`);
      }
      assertFault({ name: '', role, bytes: frame(role, OP.CLOSE, closeBody(1005)), code: 1002 });
    });
    test(`${role} role: empty close → onClose(1005, '')`, T, () => {
      assertSplitInvariant(role, frame(role, OP.CLOSE, ''), [['close', 1005, '']]);
    });
    test(`${role} role: a close reason that is not UTF-8 → 1007`, T, () => {
      for (const bad of ['ff', 'c0 af', 'ed a0 80', 'f4 90 80 80', '61 e2 82']) {
        assertFault({ name: bad, role, bytes: frame(role, OP.CLOSE, closeBody(1000, hex(bad))), code: 1007 });
      }
    });
    test(`${role} role: a 123-byte UTF-8 reason (the largest) is accepted`, T, () => {
      const reason = '€'.repeat(41);
      assertSplitInvariant(role, frame(role, OP.CLOSE, closeBody(4000, reason)), [['close', 4000, reason]]);
    });
    test(`${role} role: a close inside a fragmented message ends the stream`, T, () => {
      const bytes = Buffer.concat([frame(role, OP.TEXT, 'part', { fin: false }), frame(role, OP.CLOSE, closeBody(1000)), frame(role, OP.CONT, 'rest')]);
      assertSplitInvariant(role, bytes, [['close', 1000, '']]);
    });
  }
});

describe('FrameDecoder: stop()', () => {
  test('after stop(), nothing is reported', T, () => {
    const { dec, rec } = decoder('server');
    dec.push(frame('server', OP.TEXT, 'a'));
    dec.stop();
    assert.equal(dec.stopped, true);
    dec.push(frame('server', OP.TEXT, 'b'));
    dec.push(Buffer.from([0xff]));
    assert.deepEqual(rec.events, [['text', 'a']]);
  });

  test('a fault raised in the middle of a chunk stops the rest of it', T, () => {
    const { dec, rec } = decoder('client');
    dec.push(Buffer.concat([frame('client', OP.TEXT, 'a'), frame('client', OP.TEXT, 'b', { rsv: 2 }), frame('client', OP.TEXT, 'c')]));
    assert.deepEqual(rec.events, [['text', 'a'], ['fault', 1002]]);
  });
});

describe('FrameDecoder: whole frames in one chunk and the same frames split agree', () => {
  // A frame that arrives whole may be decoded by a different path than one
  // that arrives in pieces; the events must be the same either way.
  for (const role of ROLES) {
    test(`${role} role: text around 126 and 256 bytes, ASCII, multi-byte and invalid`, T, () => {
      for (const n of [0, 1, 63, 64, 65, 125, 126, 255, 256, 257, 1000, 65535]) {
        const ascii = Buffer.alloc(n, 0x41);
        const multi = Buffer.concat([Buffer.alloc(Math.max(0, n - 2), 0x41), Buffer.from('é')]);
        const bad = Buffer.concat([Buffer.alloc(Math.max(0, n - 1), 0x41), Buffer.from([0xff])]);
        const cases: [Buffer, Event[]][] = [
          [frame(role, OP.TEXT, ascii), [['text', ascii.toString()]]],
          [frame(role, OP.TEXT, multi), [['text', multi.toString()]]],
          [frame(role, OP.TEXT, bad), [['fault', 1007]]],
          [frame(role, OP.BINARY, bad), [['binary', bad.toString('hex')]]],
        ];
        for (const [bytes, expected] of cases) {
          const positions = [1, 2, 3, 5, 9, bytes.length >> 1, bytes.length - 1].filter((k) => k > 0 && k < bytes.length);
          assert.deepEqual(run(role, [bytes]), expected, `length ${n}, one chunk`);
          for (const k of positions) assert.deepEqual(run(role, [bytes.subarray(0, k), bytes.subarray(k)]), expected, `length ${n}, split at ${k}`);
        }
      }
    });

    test(`${role} role: several whole frames in one chunk, then a fragmented message, then whole frames again`, T, () => {
      const bytes = Buffer.concat([
        frame(role, OP.TEXT, 'a'),
        frame(role, OP.BINARY, Buffer.from([1])),
        frame(role, OP.TEXT, 'b', { fin: false }),
        frame(role, OP.CONT, 'c'),
        frame(role, OP.TEXT, 'd'.repeat(300)),
        frame(role, OP.BINARY, Buffer.alloc(70_000, 2)),
      ]);
      const expected: Event[] = [
        ['text', 'a'],
        ['binary', '01'],
        ['text', 'bc'],
        ['text', 'd'.repeat(300)],
        ['binary', '02'.repeat(70_000)],
      ];
      assert.deepEqual(run(role, [bytes]), expected);
      assert.deepEqual(run(role, [bytes.subarray(0, 7), bytes.subarray(7)]), expected);
    });

    test(`${role} role: a whole frame of exactly maxMessageSize is accepted, one byte more is 1009`, T, () => {
      assert.deepEqual(run(role, [frame(role, OP.BINARY, Buffer.alloc(300, 1))], { maxMessageSize: 300 }), [['binary', '01'.repeat(300)]]);
      assert.deepEqual(run(role, [frame(role, OP.BINARY, Buffer.alloc(301, 1))], { maxMessageSize: 300 }), [['fault', 1009]]);
      assert.deepEqual(run(role, [frame(role, OP.TEXT, Buffer.alloc(126, 0x61))], { maxMessageSize: 125 }), [['fault', 1009]]);
    });

    test(`${role} role: a wrongly masked whole frame is still refused`, T, () => {
      assert.deepEqual(run(role, [frame(role, OP.TEXT, 'hello', { masked: role !== 'server' })]), [['fault', 1002]]);
      assert.deepEqual(run(role, [frame(role, OP.TEXT, 'x'.repeat(200), { masked: role !== 'server' })]), [['fault', 1002]]);
      assert.deepEqual(run(role, [frame(role, OP.BINARY, 'x', { rsv: 4 })]), [['fault', 1002]]);
    });
  }
});
