// encodeFrame / encodeMessage / encodeClose (RFC 6455 §5.2 framing, §5.3
// masking, §5.5.1 close bodies).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode, encodeClose, encodeFrame, encodeMessage } from '../../lib/websocket/encoder.ts';
import { applyMask } from '../../lib/websocket/mask.ts';
import { FrameDecoder, type DecoderHandler } from '../../lib/websocket/decoder.ts';

const T = { timeout: 10_000 };

interface Parsed {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  lengthForm: 7 | 16 | 64;
  length: number;
  key: Buffer | undefined;
  /** The payload as sent (still masked if masked). */
  raw: Buffer;
  /** The payload unmasked. */
  payload: Buffer;
}

/** An independent reading of one frame per §5.2; the frame must be exactly `buf`. */
function parse(buf: Buffer): Parsed {
  const fin = (buf[0]! & 0x80) !== 0;
  const rsv = (buf[0]! >> 4) & 7;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  const len7 = buf[1]! & 0x7f;
  let pos = 2;
  let length: number;
  let lengthForm: 7 | 16 | 64;
  if (len7 === 126) {
    length = buf.readUInt16BE(2);
    lengthForm = 16;
    pos = 4;
  } else if (len7 === 127) {
    const big = buf.readBigUInt64BE(2);
    assert.equal(big >> 63n, 0n, '§5.2: the most significant bit of a 64-bit length must be 0');
    length = Number(big);
    lengthForm = 64;
    pos = 10;
  } else {
    length = len7;
    lengthForm = 7;
  }
  let key: Buffer | undefined;
  if (masked) {
    key = Buffer.from(buf.subarray(pos, pos + 4));
    pos += 4;
  }
  assert.equal(buf.length, pos + length, 'frame length = header + payload length');
  const raw = Buffer.from(buf.subarray(pos));
  const payload = Buffer.from(raw);
  if (key) applyMask(payload, key, 0, payload.length);
  return { fin, rsv, opcode, masked, lengthForm, length, key, raw, payload };
}

const filled = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
};

describe('encodeFrame header (RFC 6455 §5.2)', () => {
  const cases: { n: number; form: 7 | 16 | 64; header: string }[] = [
    { n: 0, form: 7, header: '8200' },
    { n: 1, form: 7, header: '8201' },
    { n: 125, form: 7, header: '827d' },
    { n: 126, form: 16, header: '827e007e' },
    { n: 127, form: 16, header: '827e007f' },
    { n: 65535, form: 16, header: '827effff' },
    { n: 65536, form: 64, header: '827f0000000000010000' },
    { n: 65537, form: 64, header: '827f0000000000010001' },
  ];
  for (const { n, form, header } of cases) {
    test(`binary payload of ${n} bytes: ${form}-bit length form, exact header bytes`, T, () => {
      const payload = filled(n);
      const frame = encodeFrame(Opcode.BINARY, payload);
      assert.equal(frame.subarray(0, header.length / 2).toString('hex'), header);
      const p = parse(frame);
      assert.equal(p.lengthForm, form);
      assert.equal(p.length, n);
      assert.equal(p.fin, true);
      assert.equal(p.rsv, 0);
      assert.equal(p.masked, false, 'server frames are not masked (§5.1)');
      assert.ok(p.payload.equals(payload));
    });
  }

  test('a large payload (1 MiB + 3) uses the 64-bit form', T, () => {
    const payload = filled((1 << 20) + 3);
    const frame = encodeFrame(Opcode.BINARY, payload);
    assert.equal(frame.subarray(0, 10).toString('hex'), '827f0000000000100003');
    assert.ok(parse(frame).payload.equals(payload));
  });

  test('opcode and FIN bit: fin defaults to true, fin:false clears it (§5.4)', T, () => {
    for (const op of [Opcode.CONTINUATION, Opcode.TEXT, Opcode.BINARY, Opcode.CLOSE, Opcode.PING, Opcode.PONG]) {
      assert.equal(encodeFrame(op, '')[0], 0x80 | op);
      assert.equal(encodeFrame(op, '', { fin: true })[0], 0x80 | op);
    }
    assert.equal(encodeFrame(Opcode.TEXT, 'a', { fin: false })[0], 0x01);
    assert.equal(encodeFrame(Opcode.CONTINUATION, 'a', { fin: false })[0], 0x00);
    assert.equal(encodeFrame(Opcode.CONTINUATION, 'a')[0], 0x80);
    assert.equal(encodeFrame(Opcode.TEXT, 'a', { fin: false, mask: true })[0], 0x01);
  });

  test('string payloads are UTF-8; the length counts bytes, not UTF-16 units', T, () => {
    const s = 'héllo €𝄞';
    const frame = encodeFrame(Opcode.TEXT, s);
    const p = parse(frame);
    assert.equal(p.length, Buffer.byteLength(s));
    assert.equal(p.length, 14);
    assert.equal(p.payload.toString('utf8'), s);
    // 63 two-byte characters are 126 bytes: the 16-bit form, though s.length is 63.
    const e = 'é'.repeat(63);
    const pe = parse(encodeFrame(Opcode.TEXT, e));
    assert.equal(pe.lengthForm, 16);
    assert.equal(pe.length, 126);
    assert.equal(pe.payload.toString('utf8'), e);
    // 16384 four-byte characters: 65536 bytes, the 64-bit form.
    const g = '𝄞'.repeat(16384);
    const pg = parse(encodeFrame(Opcode.TEXT, g));
    assert.equal(pg.lengthForm, 64);
    assert.equal(pg.payload.toString('utf8'), g);
  });

  test('Uint8Array (not Buffer) payloads, and subarrays with a byteOffset', T, () => {
    const backing = Uint8Array.from({ length: 40 }, (_, i) => i);
    const view = backing.subarray(5, 35);
    const p = parse(encodeFrame(Opcode.BINARY, view));
    assert.deepEqual([...p.payload], [...view]);
  });
});

describe('masked frames (RFC 6455 §5.3)', () => {
  for (const n of [0, 1, 3, 4, 5, 125, 126, 1000, 65535, 65536, 100_003]) {
    test(`masked binary of ${n} bytes round-trips through applyMask`, T, () => {
      const payload = filled(n);
      const copy = Buffer.from(payload);
      const frame = encodeFrame(Opcode.BINARY, payload, { mask: true });
      const p = parse(frame);
      assert.equal(p.masked, true);
      assert.ok(p.key);
      assert.equal(frame[1]! & 0x80, 0x80, 'MASK bit');
      assert.ok(p.payload.equals(copy), 'unmasked payload equals the original');
      assert.ok(payload.equals(copy), 'the caller’s payload is not modified');
      if (n >= 16) assert.ok(!p.raw.equals(copy) || p.key!.equals(Buffer.alloc(4)), 'payload is masked on the wire');
    });
  }

  test('masked text with multi-byte characters', T, () => {
    const s = 'Grüße, 世界 🌍'.repeat(20);
    const p = parse(encodeFrame(Opcode.TEXT, s, { mask: true }));
    assert.equal(p.opcode, Opcode.TEXT);
    assert.equal(p.masked, true);
    assert.equal(p.payload.toString('utf8'), s);
  });

  test('each frame gets a fresh masking key (§5.3, §10.3)', T, () => {
    const keys = new Set<string>();
    for (let i = 0; i < 2000; i++) keys.add(parse(encodeFrame(Opcode.TEXT, 'x', { mask: true })).key!.toString('hex'));
    // 2000 keys from 2^32: a handful of collisions at most, never all the same.
    assert.ok(keys.size > 1900, `only ${keys.size} distinct keys in 2000 frames`);
  });

  test('a masked frame decodes with FrameDecoder in the server role', T, () => {
    const got: unknown[] = [];
    const handler: DecoderHandler = {
      onMessage: (d, b) => got.push(['message', b ? Buffer.from(d as Buffer).toString('hex') : d]),
      onPing: (p) => got.push(['ping', p.toString()]),
      onPong: (p) => got.push(['pong', p.toString()]),
      onClose: (c, r) => got.push(['close', c, r]),
      onFault: (c, r) => got.push(['fault', c, r]),
    };
    const dec = new FrameDecoder(handler, { role: 'server', maxMessageSize: 1 << 20, maxFragments: 10 });
    dec.push(
      Buffer.concat([
        encodeFrame(Opcode.TEXT, 'a€', { mask: true, fin: false }),
        encodeFrame(Opcode.PING, 'p', { mask: true }),
        encodeFrame(Opcode.CONTINUATION, '𝄞', { mask: true }),
        encodeMessage(Uint8Array.of(1, 2, 3), { mask: true }),
        encodeClose(1000, 'bye', { mask: true }),
      ]),
    );
    assert.deepEqual(got, [['ping', 'p'], ['message', 'a€𝄞'], ['message', '010203'], ['close', 1000, 'bye']]);
  });
});

describe('encodeMessage', () => {
  test('a string is a text frame, bytes are a binary frame', T, () => {
    assert.equal(encodeMessage('hi').toString('hex'), '81026869');
    assert.equal(encodeMessage(Buffer.from('hi')).toString('hex'), '82026869');
    assert.equal(encodeMessage(Uint8Array.of(0xff)).toString('hex'), '8201ff');
    assert.equal(encodeMessage('').toString('hex'), '8100');
    assert.equal(encodeMessage('hi', { fin: false })[0], 0x01);
    const m = parse(encodeMessage('hi', { mask: true }));
    assert.equal(m.masked, true);
    assert.equal(m.payload.toString(), 'hi');
  });
});

describe('encodeClose (RFC 6455 §5.5.1)', () => {
  test('no code: an empty Close frame', T, () => {
    assert.equal(encodeClose().toString('hex'), '8800');
    assert.equal(encodeClose(undefined, 'ignored').toString('hex'), '8800');
    const m = parse(encodeClose(undefined, '', { mask: true }));
    assert.equal(m.opcode, Opcode.CLOSE);
    assert.equal(m.length, 0);
    assert.equal(m.masked, true);
  });

  test('code only, and code with reason: 2-byte big-endian code then UTF-8', T, () => {
    assert.equal(encodeClose(1000).toString('hex'), '880203e8');
    assert.equal(encodeClose(4999, 'é').toString('hex'), '88041387c3a9');
    const p = parse(encodeClose(1001, 'going away', { mask: true }));
    assert.equal(p.opcode, Opcode.CLOSE);
    assert.equal(p.fin, true);
    assert.equal(p.payload.readUInt16BE(0), 1001);
    assert.equal(p.payload.subarray(2).toString('utf8'), 'going away');
  });

  // Control frames carry at most 125 bytes (§5.5): 2 for the code, 123 for the reason.
  const reasons: { name: string; reason: string; bytes: number }[] = [
    { name: 'exactly 123 ASCII bytes', reason: 'a'.repeat(123), bytes: 123 },
    { name: '124 ASCII bytes', reason: 'a'.repeat(124), bytes: 123 },
    { name: '200 ASCII bytes', reason: 'a'.repeat(200), bytes: 123 },
    { name: '2-byte characters, cut would split one', reason: 'é'.repeat(100), bytes: 122 },
    { name: '2-byte characters after one ASCII byte, cut on a boundary', reason: 'a' + 'é'.repeat(100), bytes: 123 },
    { name: '3-byte characters, cut on a boundary', reason: '€'.repeat(50), bytes: 123 },
    { name: '3-byte characters after one ASCII byte', reason: 'a' + '€'.repeat(50), bytes: 121 },
    { name: '3-byte characters after two ASCII bytes', reason: 'aa' + '€'.repeat(50), bytes: 122 },
    { name: '4-byte characters', reason: '𝄞'.repeat(40), bytes: 120 },
    { name: '4-byte characters after 3 ASCII bytes', reason: 'aaa' + '𝄞'.repeat(40), bytes: 123 },
    { name: '122 ASCII bytes then a 4-byte character', reason: 'a'.repeat(122) + '𝄞', bytes: 122 },
    { name: '41 3-byte characters (exactly 123 bytes)', reason: '€'.repeat(41), bytes: 123 },
  ];
  for (const { name, reason, bytes } of reasons) {
    test(`reason truncated to 123 bytes at a code point boundary: ${name}`, T, () => {
      const full = Buffer.from(reason, 'utf8');
      for (const mask of [false, true]) {
        const p = parse(encodeClose(1000, reason, { mask }));
        assert.ok(p.length <= 125, 'control frame payload <= 125 (§5.5)');
        assert.equal(p.lengthForm, 7);
        assert.equal(p.payload.readUInt16BE(0), 1000);
        const got = p.payload.subarray(2);
        assert.equal(got.length, bytes);
        assert.ok(full.subarray(0, got.length).equals(got), 'a prefix of the reason');
        assert.equal(Buffer.from(got.toString('utf8'), 'utf8').equals(got), true, 'valid UTF-8');
        assert.ok(reason.startsWith(got.toString('utf8')));
      }
    });
  }
});
