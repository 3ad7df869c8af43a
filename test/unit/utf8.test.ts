// Utf8Validator / isValidUtf8 (RFC 6455 §8.1: text must be valid UTF-8, per
// RFC 3629). Vectors follow the categories of Markus Kuhn's UTF-8 decoder
// stress test. Every vector is also fed split at every byte position and one
// byte at a time: the verdict must not depend on where the pieces end.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Utf8Validator, isValidUtf8 } from '../../lib/websocket/utf8.ts';

const T = { timeout: 10_000 };

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

interface Vector {
  name: string;
  bytes: Buffer;
  valid: boolean;
  /**
   * Invalid vectors: index of the first byte that makes the input impossible
   * (a validator must fail on the push containing it), or undefined when the
   * input is only truncated (every push succeeds, `complete` is false).
   */
  failAt?: number | undefined;
}

const ascii100 = Buffer.alloc(100, 0x61);

const VALID: Vector[] = [
  // Kuhn §2.1 / §2.2: first and last code point of each sequence length.
  { name: 'U+0000', bytes: hex('00'), valid: true },
  { name: 'U+007F', bytes: hex('7f'), valid: true },
  { name: 'U+0080', bytes: hex('c2 80'), valid: true },
  { name: 'U+07FF', bytes: hex('df bf'), valid: true },
  { name: 'U+0800', bytes: hex('e0 a0 80'), valid: true },
  { name: 'U+FFFF', bytes: hex('ef bf bf'), valid: true },
  { name: 'U+10000', bytes: hex('f0 90 80 80'), valid: true },
  { name: 'U+10FFFF', bytes: hex('f4 8f bf bf'), valid: true },
  // Kuhn §2.3: other boundary conditions.
  { name: 'U+D7FF (last before surrogates)', bytes: hex('ed 9f bf'), valid: true },
  { name: 'U+E000 (first after surrogates)', bytes: hex('ee 80 80'), valid: true },
  { name: 'U+FFFD', bytes: hex('ef bf bd'), valid: true },
  // Kuhn §5.3: noncharacters are valid UTF-8.
  { name: 'U+FFFE noncharacter', bytes: hex('ef bf be'), valid: true },
  { name: 'empty', bytes: Buffer.alloc(0), valid: true },
  // Kuhn §1: mixed text.
  { name: 'Greek κόσμε', bytes: hex('ce ba e1 bd b9 cf 83 ce bc ce b5'), valid: true },
  { name: 'mixed 1..4-byte text', bytes: Buffer.from('Hello-µ@ßöäüàá-UTF-8!! € 𝄞 𐍈 日本語', 'utf8'), valid: true },
  { name: 'long ASCII run then 4-byte', bytes: Buffer.concat([ascii100, hex('f0 9f 98 80'), ascii100]), valid: true },
];

const INVALID: Vector[] = [
  // Kuhn §3.1: unexpected continuation bytes.
  { name: 'lone continuation 80', bytes: hex('80'), valid: false, failAt: 0 },
  { name: 'lone continuation bf', bytes: hex('bf'), valid: false, failAt: 0 },
  { name: 'continuation after ASCII', bytes: hex('61 80 62'), valid: false, failAt: 1 },
  { name: 'two continuations', bytes: hex('80 bf'), valid: false, failAt: 0 },
  { name: 'extra continuation after 2-byte', bytes: hex('c2 80 80'), valid: false, failAt: 2 },
  { name: 'extra continuation after 4-byte', bytes: hex('f0 90 80 80 80'), valid: false, failAt: 4 },
  // Kuhn §3.2: lonely start characters.
  { name: 'lonely start c2 then space', bytes: hex('c2 20'), valid: false, failAt: 1 },
  { name: 'lonely start e1 then space', bytes: hex('e1 20'), valid: false, failAt: 1 },
  { name: 'lonely start f1 then space', bytes: hex('f1 20'), valid: false, failAt: 1 },
  // Kuhn §3.3 / §3.4: sequences with the last continuation byte missing.
  { name: 'truncated 2-byte', bytes: hex('c2'), valid: false },
  { name: 'truncated 3-byte (1 of 3)', bytes: hex('e2'), valid: false },
  { name: 'truncated 3-byte (2 of 3)', bytes: hex('e2 82'), valid: false },
  { name: 'truncated 4-byte (3 of 4)', bytes: hex('f0 9f 98'), valid: false },
  { name: 'truncated 4-byte after text', bytes: Buffer.concat([ascii100, hex('f0 9f')]), valid: false },
  { name: 'truncated 3-byte then ASCII', bytes: hex('e2 82 41'), valid: false, failAt: 2 },
  { name: 'truncated 4-byte then new lead', bytes: hex('f0 9f 98 e2 82 ac'), valid: false, failAt: 3 },
  // C0 and C1 can only start overlong 2-byte forms.
  { name: 'c0 80 (overlong NUL)', bytes: hex('c0 80'), valid: false, failAt: 0 },
  { name: 'c1 bf (overlong U+007F)', bytes: hex('c1 bf'), valid: false, failAt: 0 },
  { name: 'c0 alone', bytes: hex('c0'), valid: false, failAt: 0 },
  // Kuhn §3.5: impossible bytes; F5..FF never appear in UTF-8.
  { name: 'f5', bytes: hex('f5 80 80 80'), valid: false, failAt: 0 },
  { name: 'f7', bytes: hex('f7 bf bf bf'), valid: false, failAt: 0 },
  { name: 'f8 (old 5-byte)', bytes: hex('f8 88 80 80 80'), valid: false, failAt: 0 },
  { name: 'fc (old 6-byte)', bytes: hex('fc 84 80 80 80 80'), valid: false, failAt: 0 },
  { name: 'fe', bytes: hex('fe'), valid: false, failAt: 0 },
  { name: 'ff', bytes: hex('ff'), valid: false, failAt: 0 },
  { name: 'fe fe ff ff', bytes: hex('fe fe ff ff'), valid: false, failAt: 0 },
  // Kuhn §4: overlong forms of '/' and of the largest overlong values.
  { name: 'overlong / c0 af', bytes: hex('c0 af'), valid: false, failAt: 0 },
  { name: 'overlong / e0 80 af', bytes: hex('e0 80 af'), valid: false, failAt: 1 },
  { name: 'overlong / f0 80 80 af', bytes: hex('f0 80 80 af'), valid: false, failAt: 1 },
  { name: 'overlong U+07FF e0 9f bf', bytes: hex('e0 9f bf'), valid: false, failAt: 1 },
  { name: 'overlong U+FFFF f0 8f bf bf', bytes: hex('f0 8f bf bf'), valid: false, failAt: 1 },
  // Kuhn §5.1 / §5.2: UTF-16 surrogates, single and paired.
  { name: 'surrogate U+D800 ed a0 80', bytes: hex('ed a0 80'), valid: false, failAt: 1 },
  { name: 'surrogate U+DB7F ed ad bf', bytes: hex('ed ad bf'), valid: false, failAt: 1 },
  { name: 'surrogate U+DC00 ed b0 80', bytes: hex('ed b0 80'), valid: false, failAt: 1 },
  { name: 'surrogate U+DFFF ed bf bf', bytes: hex('ed bf bf'), valid: false, failAt: 1 },
  { name: 'surrogate pair ed a0 80 ed b0 80', bytes: hex('ed a0 80 ed b0 80'), valid: false, failAt: 1 },
  // Beyond U+10FFFF (RFC 3629 §3).
  { name: 'U+110000 f4 90 80 80', bytes: hex('f4 90 80 80'), valid: false, failAt: 1 },
  { name: 'f4 bf bf bf', bytes: hex('f4 bf bf bf'), valid: false, failAt: 1 },
  // Impossible bytes after valid text (the bulk path, not the byte-wise edge).
  { name: 'surrogate after 100 ASCII', bytes: Buffer.concat([ascii100, hex('ed a0 80'), ascii100]), valid: false, failAt: 101 },
  { name: 'ff after 100 ASCII', bytes: Buffer.concat([ascii100, hex('ff'), ascii100]), valid: false, failAt: 100 },
  { name: 'f4 90 after 100 ASCII', bytes: Buffer.concat([ascii100, hex('f4 90 80 80'), ascii100]), valid: false, failAt: 101 },
  { name: 'κόσμε with an overlong inside', bytes: hex('ce ba e1 bd b9 c0 af cf 83'), valid: false, failAt: 5 },
];

const ALL = [...VALID, ...INVALID];

/** Feeds the pieces one push each; the verdict is every push true and `complete` at the end. */
function verdict(pieces: Uint8Array[]): boolean {
  const v = new Utf8Validator();
  for (const p of pieces) if (!v.push(p)) return false;
  return v.complete;
}

function bytesOf(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1));
  return out;
}

describe('isValidUtf8 (whole buffers)', () => {
  for (const v of ALL) {
    test(`${v.valid ? 'valid' : 'invalid'}: ${v.name}`, T, () => {
      assert.equal(isValidUtf8(v.bytes), v.valid);
    });
  }
});

describe('Utf8Validator (RFC 6455 §8.1, incremental)', () => {
  for (const v of ALL) {
    test(`${v.valid ? 'valid' : 'invalid'}: ${v.name}: whole, every 2-way split, single bytes`, T, () => {
      assert.equal(verdict([v.bytes]), v.valid, 'whole');
      for (let k = 0; k <= v.bytes.length; k++) {
        assert.equal(verdict([v.bytes.subarray(0, k), v.bytes.subarray(k)]), v.valid, `split at ${k}`);
      }
      assert.equal(verdict(bytesOf(v.bytes)), v.valid, 'single bytes');
    });
  }

  test('valid text split into 3 pieces at every pair of positions', T, () => {
    const b = Buffer.from('aé€𝄞b𐍈', 'utf8');
    for (let i = 0; i <= b.length; i++) {
      for (let j = i; j <= b.length; j++) {
        assert.equal(verdict([b.subarray(0, i), b.subarray(i, j), b.subarray(j)]), true, `splits ${i},${j}`);
      }
    }
  });

  for (const v of INVALID.filter((x) => x.failAt !== undefined)) {
    test(`fail fast: ${v.name} fails on the push holding byte ${v.failAt}`, T, () => {
      const at = v.failAt!;
      // One byte at a time: true up to the impossible byte, false on it.
      const single = new Utf8Validator();
      for (let i = 0; i < at; i++) assert.equal(single.push(v.bytes, i, i + 1), true, `byte ${i}`);
      assert.equal(single.push(v.bytes, at, at + 1), false, `byte ${at}`);
      // Two pieces: the piece that contains byte `at` is the one that fails,
      // even when the rest of the sequence has not been pushed.
      for (let k = 0; k <= v.bytes.length; k++) {
        const two = new Utf8Validator();
        const first = two.push(v.bytes.subarray(0, k));
        if (k > at) {
          assert.equal(first, false, `split at ${k}: first piece holds the bad byte`);
        } else {
          assert.equal(first, true, `split at ${k}: first piece is still a valid prefix`);
          assert.equal(two.push(v.bytes.subarray(k)), false, `split at ${k}: second piece`);
        }
      }
      // The prefix ending at the bad byte already fails (nothing after it needed).
      assert.equal(new Utf8Validator().push(v.bytes.subarray(0, at + 1)), false, 'prefix through the bad byte');
      assert.equal(new Utf8Validator().push(v.bytes.subarray(0, at)), true, 'prefix before the bad byte');
    });
  }

  test('F4 90 fails at 90 before the rest of the sequence exists', T, () => {
    const v = new Utf8Validator();
    assert.equal(v.push(hex('f4')), true);
    assert.equal(v.complete, false);
    assert.equal(v.push(hex('90')), false);
    assert.equal(new Utf8Validator().push(hex('f4 90')), false);
    assert.equal(new Utf8Validator().push(hex('41 42 f4 90')), false);
    assert.equal(new Utf8Validator().push(hex('ed a0')), false);
    assert.equal(new Utf8Validator().push(hex('e0 80')), false);
    assert.equal(new Utf8Validator().push(hex('f0 80')), false);
  });

  for (const v of INVALID.filter((x) => x.failAt === undefined)) {
    test(`truncated: ${v.name}: every push succeeds, complete is false`, T, () => {
      const whole = new Utf8Validator();
      assert.equal(whole.push(v.bytes), true);
      assert.equal(whole.complete, false);
      const single = new Utf8Validator();
      for (let i = 0; i < v.bytes.length; i++) assert.equal(single.push(v.bytes, i, i + 1), true);
      assert.equal(single.complete, false);
    });
  }

  test('complete tracks unfinished code points across pushes', T, () => {
    const v = new Utf8Validator();
    assert.equal(v.complete, true);
    const euro = hex('e2 82 ac');
    assert.equal(v.push(euro, 0, 1), true);
    assert.equal(v.complete, false);
    assert.equal(v.push(euro, 1, 2), true);
    assert.equal(v.complete, false);
    assert.equal(v.push(euro, 2, 3), true);
    assert.equal(v.complete, true);
    assert.equal(v.push(Buffer.alloc(0)), true, 'empty push');
    assert.equal(v.complete, true);
  });

  test('push honours start and end inside a larger buffer', T, () => {
    const buf = hex('ff ff 61 e2 82 ac 62 ff ff');
    const v = new Utf8Validator();
    assert.equal(v.push(buf, 2, 7), true);
    assert.equal(v.complete, true);
    assert.equal(v.push(buf, 2, 4), true);
    assert.equal(v.complete, false);
    assert.equal(v.push(buf, 4, 6), true);
    assert.equal(v.complete, true);
  });

  test('reset forgets an unfinished code point', T, () => {
    const v = new Utf8Validator();
    assert.equal(v.push(hex('f0 9f')), true);
    assert.equal(v.complete, false);
    v.reset();
    assert.equal(v.complete, true);
    assert.equal(v.push(hex('41')), true, 'ASCII is fine after reset');
    // After E0 the next byte must be A0..BF; reset must also clear that range.
    const w = new Utf8Validator();
    assert.equal(w.push(hex('e0')), true);
    w.reset();
    assert.equal(w.push(hex('c2 80')), true);
    assert.equal(w.complete, true);
  });

  test('every 2-byte and 3-byte lead/continuation combination agrees with Buffer decoding', T, () => {
    // Cross-check against a reference: UTF-8 that survives a decode/encode
    // round trip without U+FFFD substitution is valid (WHATWG decoder).
    const dec = new TextDecoder('utf-8', { fatal: true });
    const ref = (b: Uint8Array): boolean => {
      try {
        dec.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const mismatches: string[] = [];
    const check = (b: Uint8Array): void => {
      const want = ref(b);
      const h = Buffer.from(b).toString('hex');
      if (verdict([b]) !== want) mismatches.push(`${h} whole`);
      if (verdict(bytesOf(Buffer.from(b))) !== want) mismatches.push(`${h} bytewise`);
    };
    for (let a = 0x80; a <= 0xff; a++) {
      for (let b = 0x00; b <= 0xff; b++) check(Uint8Array.of(a, b));
    }
    for (let a = 0xe0; a <= 0xf4; a++) {
      for (let b = 0x70; b <= 0xcf; b++) check(Uint8Array.of(a, b, 0x80));
    }
    assert.deepEqual(mismatches, []);
  });
});
