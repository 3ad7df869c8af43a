// Compressed messages inflate as their pieces arrive (lib/websocket/inflater.ts):
// invalid UTF-8, data that is not DEFLATE and decompression bombs fail in the
// fragment (or the piece of a frame) that shows them, before later fragments
// exist (RFC 6455 §8.1 and RFC 7692 §7.2.2), and no zlib state outlives a message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createDeflateRaw } from 'node:zlib';
import { deflatePayload } from '../../lib/websocket/deflate.ts';
import { ErrorCode } from '../../lib/websocket/errors.ts';
import { FrameParser, type DecoderHandler } from '../../lib/websocket/frame-parser.ts';
import { MessageInflater } from '../../lib/websocket/inflater.ts';
import { acceptDeflateOffer, acceptDeflateResponse, type NegotiatedDeflate } from '../../lib/websocket/permessage-deflate.ts';

const SERVER = acceptDeflateOffer('permessage-deflate', {})!;
type Event = [string, ...unknown[]];

function collect(deflate: NegotiatedDeflate = SERVER, maxMessageSize = 1 << 20) {
  const events: Event[] = [];
  const handler: DecoderHandler = {
    onMessage: (data, isBinary) => events.push(['message', isBinary ? Buffer.from(data as Buffer) : data, isBinary]),
    onPing: (p) => events.push(['ping', p.toString()]),
    onPong: (p) => events.push(['pong', p.toString()]),
    onClose: (code, reason) => events.push(['close', code, reason]),
    onFault: (code, _reason, errorCode) => events.push(['fault', code, errorCode]),
  };
  // Frames from a server (unmasked), as our client reads them.
  const parser = new FrameParser(handler, { role: 'client', maxMessageSize, maxFragments: 10_000, deflate });
  return { events, parser };
}

/** An unmasked frame; `declared` announces more payload than is given (a frame still arriving). */
function frame(b0: number, payload: Uint8Array, declared = payload.length): Buffer {
  const head =
    declared < 126
      ? Buffer.from([b0, declared])
      : declared < 65536
        ? Buffer.from([b0, 126, declared >> 8, declared & 0xff])
        : Buffer.from([b0, 127, 0, 0, 0, 0, declared >>> 24, (declared >> 16) & 0xff, (declared >> 8) & 0xff, declared & 0xff]);
  return Buffer.concat([head, payload]);
}

/** Deterministic ASCII text that compresses poorly enough to span many output chunks. */
function words(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = i % 9 === 8 ? 0x20 : 0x61 + ((x >>> 16) % 26);
  }
  return b;
}
const compress = (data: string | Buffer) => deflatePayload(data, SERVER);

/** Splits `payload` into `n` fragments of a compressed message: RSV1 and the opcode on the first only. */
function fragments(opcode: number, payload: Buffer, cuts: number[]): Buffer[] {
  const edges = [0, ...cuts, payload.length];
  return edges.slice(0, -1).map((start, i) => {
    const last = i === edges.length - 2;
    const b0 = (last ? 0x80 : 0) | (i === 0 ? 0x40 | opcode : 0);
    return frame(b0, payload.subarray(start, edges[i + 1]));
  });
}

describe('fail fast inside compressed text', () => {
  // Good text, one byte that is never UTF-8, then much more good text.
  const bad = Buffer.concat([words(200), Buffer.from([0xff]), words(60_000, 11)]);
  const packed = compress(bad);

  test('the first fragment inflates to the bad byte: 1007 before the other fragments arrive', () => {
    const third = Math.floor(packed.length / 3);
    const [first, ...rest] = fragments(0x01, packed, [third, 2 * third]);
    const { events, parser } = collect();
    parser.push(first!);
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INVALID_UTF8]]);
    for (const f of rest) parser.push(f);
    assert.equal(events.length, 1, 'nothing after the fault');
  });

  test('one long compressed frame still arriving: 1007 from its first piece', () => {
    const { events, parser } = collect();
    parser.push(frame(0xc1, packed.subarray(0, Math.floor(packed.length / 4)), packed.length));
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INVALID_UTF8]]);
  });

  test('a code point split across fragments and across inflated pieces is not an error', () => {
    const text = ('€😀é' + words(40).toString()).repeat(500);
    const payload = compress(text);
    for (const cuts of [[1], [2, 3], [Math.floor(payload.length / 2)], Array.from({ length: 40 }, (_, i) => (i + 1) * Math.floor(payload.length / 41))]) {
      const { events, parser } = collect();
      for (const f of fragments(0x01, payload, cuts)) parser.push(f);
      assert.deepEqual(events, [['message', text, false]], `cuts ${cuts.length}`);
    }
  });

  test('a compressed message fed one byte at a time', () => {
    const text = 'κόσμε '.repeat(300);
    const bytes = Buffer.concat(fragments(0x01, compress(text), [10, 50]));
    const { events, parser } = collect();
    for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
    assert.deepEqual(events, [['message', text, false]]);
  });

  test('text ending inside a code point fails at the end, not before', () => {
    const payload = compress(Buffer.concat([words(5000), Buffer.from([0xe2, 0x82])]));
    const [first, last] = fragments(0x01, payload, [Math.floor(payload.length / 2)]);
    const { events, parser } = collect();
    parser.push(first!);
    assert.deepEqual(events, []);
    parser.push(last!);
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INVALID_UTF8]]);
  });
});

describe('bounds and bad data, fragment by fragment', () => {
  test('a bomb in fragments fails with 1009 in the fragment that crosses the limit', () => {
    const bomb = compress(Buffer.alloc(8 << 20)); // 8 MiB of zeros, about 8 KiB compressed
    const cuts = Array.from({ length: 15 }, (_, i) => (i + 1) * Math.floor(bomb.length / 16));
    const frames = fragments(0x02, bomb, cuts);
    const { events, parser } = collect(SERVER, 1 << 20);
    let sent = 0;
    while (events.length === 0 && sent < frames.length) parser.push(frames[sent++]!);
    assert.deepEqual(events, [['fault', 1009, ErrorCode.INFLATED_TOO_BIG]]);
    assert.ok(sent <= 3, `failed after ${sent} of ${frames.length} fragments`);
  });
  test('data that is not DEFLATE fails in the first fragment (1007)', () => {
    const { events, parser } = collect();
    parser.push(frame(0x41, Buffer.from([0xff, 0xff, 0xff, 0xff])));
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INFLATE_FAILED]]);
  });
  test('inflating to exactly the limit is allowed across fragments, one byte more is not', () => {
    for (const [size, ok] of [[4096, true], [4097, false]] as const) {
      const payload = compress(words(size));
      const { events, parser } = collect(SERVER, 4096);
      for (const f of fragments(0x02, payload, [Math.floor(payload.length / 2)])) parser.push(f);
      assert.equal(events[0]![0], ok ? 'message' : 'fault', `size ${size}`);
    }
  });
  test('after a fault, the next connection state is clean: a new parser inflates normally', () => {
    const { events, parser } = collect();
    parser.push(frame(0x41, Buffer.from([0xff, 0xff])));
    parser.stop();
    const again = collect();
    again.parser.push(frame(0xc1, compress('fine')));
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INFLATE_FAILED]]);
    assert.deepEqual(again.events, [['message', 'fine', false]]);
  });
});

describe('context takeover across fragmented messages (client side)', () => {
  test('the window carries from one fragmented message to the next', async () => {
    const agreed = acceptDeflateResponse('permessage-deflate', {}) as NegotiatedDeflate;
    const { events, parser } = collect(agreed);
    // One deflate stream for all messages, sync-flushed after each (a server with context takeover).
    const deflater = createDeflateRaw();
    const messages = ['the same words again and again', 'the same words again and again!', words(50_000).toString(), 'the same words again and again?'];
    for (const m of messages) {
      const out = await new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        const onData = (c: Buffer) => chunks.push(c);
        deflater.on('data', onData);
        deflater.write(m);
        deflater.flush(constants.Z_SYNC_FLUSH, () => {
          deflater.off('data', onData);
          resolve(Buffer.concat(chunks));
        });
      });
      const body = out.subarray(0, out.length - 4);
      for (const f of fragments(0x01, body, [Math.max(1, Math.floor(body.length / 2))])) parser.push(f);
    }
    deflater.close();
    assert.deepEqual(events, messages.map((m) => ['message', m, false]));
  });
});

describe('MessageInflater', () => {
  test('close() frees zlib at once and is idempotent; writes after it report invalid', () => {
    const inflater = MessageInflater.open(1000)!;
    assert.ok(inflater, "this Node's zlib handle is the one we expect");
    const pieces: Buffer[] = [];
    assert.equal(inflater.write(compress('abc'), (p) => pieces.push(Buffer.from(p)) > 0), 'ok');
    assert.equal(inflater.end((p) => pieces.push(Buffer.from(p)) > 0), 'ok');
    assert.equal(Buffer.concat(pieces).toString(), 'abc');
    inflater.close();
    assert.equal(inflater.write(Buffer.from([0]), () => true), 'invalid');
  });
  test('a sink that refuses stops inflation', () => {
    const inflater = MessageInflater.open(1 << 20)!;
    let calls = 0;
    assert.equal(inflater.write(compress(words(100_000)), () => ++calls < 2), 'refused');
    assert.equal(calls, 2);
    inflater.close();
  });
});


describe('without the streaming zlib handle (the fallback)', () => {
  test('messages inflate in one bounded call at their end; faults keep their codes', (t) => {
    const open = MessageInflater.open;
    MessageInflater.open = () => undefined;
    t.after(() => {
      MessageInflater.open = open;
    });
    const text = 'κόσμε '.repeat(2000);
    const ok = collect();
    for (const f of fragments(0x01, compress(text), [5, 100])) ok.parser.push(f);
    assert.deepEqual(ok.events, [['message', text, false]]);
    const cases: Array<[Buffer, number, string]> = [
      [compress(Buffer.from([0x61, 0xff])), 1007, ErrorCode.INVALID_UTF8],
      [Buffer.from([0xff, 0xff, 0xff]), 1007, ErrorCode.INFLATE_FAILED],
      [compress(Buffer.alloc(2 << 20)), 1009, ErrorCode.INFLATED_TOO_BIG],
    ];
    for (const [payload, code, errorCode] of cases) {
      const { events, parser } = collect();
      for (const f of fragments(0x01, payload, [1])) parser.push(f);
      assert.deepEqual(events, [['fault', code, errorCode]]);
    }
  });
});
