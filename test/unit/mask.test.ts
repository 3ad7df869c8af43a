// applyMask (RFC 6455 §5.3): octet i of the payload is XORed with octet
// (i MOD 4) of the masking key. The implementation works a 32-bit word at a
// time over the aligned middle, so it is checked against a byte-by-byte
// reference at every alignment of the buffer and every mask offset.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMask } from '../../lib/websocket/mask.ts';

const T = { timeout: 10_000 };
const KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d); // the key of RFC 6455 §5.7

/** §5.3, literally: transformed-octet-i = original-octet-i XOR masking-key-octet-((i + offset) MOD 4). */
function reference(data: Uint8Array, key: Uint8Array, maskOffset: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ key[(i + maskOffset) & 3]!;
  return out;
}

function pattern(n: number, seed = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed * 7 + 17) & 0xff;
  return b;
}

/**
 * A view of `n` bytes at byteOffset `align` (mod 4) inside a larger buffer,
 * with guard bytes around it that must stay untouched.
 */
function placed(data: Uint8Array, align: number): { view: Uint8Array; backing: Uint8Array } {
  const backing = new Uint8Array(data.length + 16).fill(0xee);
  const view = backing.subarray(8 + align, 8 + align + data.length);
  view.set(data);
  return { view, backing };
}

function guardsIntact(backing: Uint8Array, view: Uint8Array): boolean {
  const start = view.byteOffset - backing.byteOffset;
  for (let i = 0; i < start; i++) if (backing[i] !== 0xee) return false;
  for (let i = start + view.length; i < backing.length; i++) if (backing[i] !== 0xee) return false;
  return true;
}

describe('applyMask (RFC 6455 §5.3)', () => {
  const lengths = [...Array.from({ length: 71 }, (_, i) => i), 1000, 4093, 65536, 65539, 1 << 20];

  test('matches the byte-by-byte reference: lengths 0..70 and large, 4 alignments, 4 mask offsets', T, () => {
    for (const n of lengths) {
      const data = pattern(n, n);
      for (let align = 0; align < 4; align++) {
        for (let off = 0; off < 4; off++) {
          // Large buffers are checked at fewer combinations to stay quick.
          if (n > 70000 && (align + off) % 3 !== 0) continue;
          const { view, backing } = placed(data, align);
          assert.equal(view.byteOffset & 3, (backing.byteOffset + 8 + align) & 3);
          const next = applyMask(view, KEY, 0, n, off);
          const want = reference(data, KEY, off);
          if (!Buffer.from(view).equals(Buffer.from(want))) {
            assert.fail(`length ${n}, alignment ${align}, mask offset ${off}: output differs`);
          }
          assert.equal(next, (off + n) & 3, `returned mask offset, length ${n} offset ${off}`);
          assert.ok(guardsIntact(backing, view), `bytes outside the range changed (length ${n}, alignment ${align})`);
        }
      }
    }
  });

  test('masks only [start, end) of a Buffer, mask offset relative to start', T, () => {
    for (let start = 0; start < 8; start++) {
      for (let end = start; end <= 40; end++) {
        for (let off = 0; off < 4; off++) {
          const data = pattern(40, start + end);
          const buf = Buffer.from(data);
          const next = applyMask(buf, KEY, start, end, off);
          const want = Buffer.from(data);
          want.set(reference(data.subarray(start, end), KEY, off), start);
          assert.ok(buf.equals(want), `start ${start} end ${end} offset ${off}`);
          assert.equal(next, (off + end - start) & 3);
        }
      }
    }
  });

  test('a mask offset >= 4 is taken mod 4; default offset is 0', T, () => {
    const data = pattern(23);
    const a = Buffer.from(data);
    const b = Buffer.from(data);
    applyMask(a, KEY, 0, a.length, 6);
    applyMask(b, KEY, 0, b.length, 2);
    assert.ok(a.equals(b));
    const c = Buffer.from(data);
    applyMask(c, KEY, 0, c.length);
    assert.ok(c.equals(Buffer.from(reference(data, KEY, 0))));
  });

  test('piecewise masking with the returned offsets equals masking the whole', T, () => {
    const data = pattern(203, 5);
    const whole = Buffer.from(data);
    applyMask(whole, KEY, 0, whole.length);
    // Every 2-way split, and a few irregular multi-way splits.
    for (let k = 0; k <= data.length; k++) {
      const buf = Buffer.from(data);
      const m = applyMask(buf, KEY, 0, k, 0);
      applyMask(buf, KEY, k, buf.length, m);
      assert.ok(buf.equals(whole), `split at ${k}`);
      // The same split, but each piece a separate view (as socket chunks are).
      const p1 = Buffer.from(data.subarray(0, k));
      const p2 = Buffer.from(data.subarray(k));
      const m1 = applyMask(p1, KEY, 0, p1.length, 0);
      applyMask(p2, KEY, 0, p2.length, m1);
      assert.ok(Buffer.concat([p1, p2]).equals(whole), `separate pieces, split at ${k}`);
    }
    for (const step of [1, 2, 3, 5, 7, 13, 64]) {
      const buf = Buffer.from(data);
      let m = 0;
      for (let i = 0; i < buf.length; i += step) m = applyMask(buf, KEY, i, Math.min(i + step, buf.length), m);
      assert.ok(buf.equals(whole), `pieces of ${step}`);
    }
  });

  test('masking twice restores the data (the same operation unmasks)', T, () => {
    const data = pattern(1 << 16, 9);
    const buf = Buffer.from(data);
    applyMask(buf, KEY, 0, buf.length);
    assert.ok(!buf.equals(Buffer.from(data)));
    applyMask(buf, KEY, 0, buf.length);
    assert.ok(buf.equals(Buffer.from(data)));
  });

  test('the RFC 6455 §5.7 example: masked "Hello"', T, () => {
    const hello = Buffer.from('Hello');
    applyMask(hello, KEY, 0, hello.length);
    assert.equal(hello.toString('hex'), '7f9f4d5158');
  });

  test('all-zero and all-0xff keys', T, () => {
    const data = pattern(37);
    const zero = Buffer.from(data);
    applyMask(zero, new Uint8Array(4), 0, zero.length);
    assert.ok(zero.equals(Buffer.from(data)));
    const ones = Buffer.from(data);
    applyMask(ones, Uint8Array.of(255, 255, 255, 255), 0, ones.length, 3);
    assert.ok(ones.equals(Buffer.from(data.map((x) => x ^ 0xff))));
  });
});
