// permessage-deflate (RFC 7692): the negotiation table, compression round
// trips with and without context takeover, inflation bounds, RSV1 faults and
// UTF-8 inside compressed text. Pure functions and the sans-I/O parser only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { deflatePayload, inflatePayload } from '../../lib/websocket/deflate.ts';
import { ErrorCode } from '../../lib/websocket/errors.ts';
import { parseExtensions } from '../../lib/websocket/extensions.ts';
import { FrameParser, type DecoderHandler } from '../../lib/websocket/frame-parser.ts';
import {
  acceptDeflateOffer,
  acceptDeflateResponse,
  deflateOffer,
  type NegotiatedDeflate,
} from '../../lib/websocket/permessage-deflate.ts';
import { prepareMessage } from '../../lib/websocket/prepared.ts';

const T = { timeout: 10_000 };
const BASE = 'permessage-deflate; server_no_context_takeover; client_no_context_takeover';

describe('parseExtensions (RFC 6455 §9.1)', () => {
  test('several offers, parameters, quoted values, spacing and case', T, () => {
    assert.deepEqual(parseExtensions('permessage-deflate; client_max_window_bits, Foo ;a="10" ; B=x,'), [
      { name: 'permessage-deflate', params: [['client_max_window_bits', true]] },
      { name: 'foo', params: [['a', '10'], ['b', 'x']] },
    ]);
  });
  for (const bad of ['permessage-deflate;', '; a', 'x; a=', 'x; a="1 0"', 'x; a="10', 'x y', 'x; a=b c', 'x;=1']) {
    test(`malformed: ${JSON.stringify(bad)}`, T, () => assert.equal(parseExtensions(bad), undefined));
  }
});

describe('server negotiation table (RFC 7692 §7)', () => {
  const accept = (offer: string) => acceptDeflateOffer(offer, {})?.header;
  const rows: Array<[string, string | undefined]> = [
    ['permessage-deflate', BASE],
    ['PerMessage-Deflate', BASE],
    ['permessage-deflate; client_max_window_bits', BASE], // never answered: §7.1.2.2 allows omitting it
    ['permessage-deflate; client_max_window_bits=10', BASE],
    ['permessage-deflate; server_no_context_takeover', BASE],
    ['permessage-deflate; client_no_context_takeover', BASE],
    ['permessage-deflate; server_max_window_bits=10', `${BASE}; server_max_window_bits=10`],
    ['permessage-deflate; server_max_window_bits="12"', `${BASE}; server_max_window_bits=12`],
    // Declined offers: unknown, repeated, or invalid values.
    ['permessage-deflate; foo', undefined],
    ['permessage-deflate; server_no_context_takeover; server_no_context_takeover', undefined],
    ['permessage-deflate; client_max_window_bits=10; client_max_window_bits=11', undefined],
    ['permessage-deflate; server_no_context_takeover=1', undefined],
    ['permessage-deflate; client_no_context_takeover=x', undefined],
    ['permessage-deflate; server_max_window_bits', undefined],
    ['permessage-deflate; server_max_window_bits=7', undefined],
    ['permessage-deflate; server_max_window_bits=16', undefined],
    ['permessage-deflate; server_max_window_bits=010', undefined],
    ['permessage-deflate; client_max_window_bits=7', undefined],
    ['permessage-deflate; client_max_window_bits=16', undefined],
    ['x-webkit-deflate-frame', undefined],
    ['permessage-deflate; server_max_window_bits=10; x', undefined],
    ['not a valid;;header', undefined],
    // The first acceptable offer wins; bad ones before it are skipped.
    ['permessage-deflate; foo, permessage-deflate; server_max_window_bits=9', `${BASE}; server_max_window_bits=9`],
    ['x-foo, permessage-deflate; server_max_window_bits=11, permessage-deflate', `${BASE}; server_max_window_bits=11`],
  ];
  for (const [offer, answer] of rows) {
    test(`${offer} → ${answer ?? 'declined'}`, T, () => assert.equal(accept(offer), answer));
  }
  for (let bits = 8; bits <= 15; bits++) {
    test(`server_max_window_bits=${bits} is accepted and compressed within that window`, T, () => {
      const agreed = acceptDeflateOffer(`permessage-deflate; server_max_window_bits=${bits}`, {})!;
      assert.equal(agreed.compressWindowBits, bits);
      // Repeats at a distance beyond the window must not be back-referenced:
      // inflating with exactly that window proves it.
      const text = Buffer.from(Array.from({ length: 3000 }, (_, i) => `item ${i % 97};`).join(''));
      const compressed = deflatePayload(text, agreed);
      const out = inflateRawSync(Buffer.concat([compressed, Buffer.from([0, 0, 0xff, 0xff])]), {
        windowBits: bits,
        finishFlush: constants.Z_SYNC_FLUSH,
      });
      assert.deepEqual(out, text);
    });
  }
  test('our own maxWindowBits caps the answered server_max_window_bits', T, () => {
    const agreed = acceptDeflateOffer('permessage-deflate; server_max_window_bits=14', { maxWindowBits: 10 })!;
    assert.equal(agreed.header, `${BASE}; server_max_window_bits=10`);
    assert.equal(agreed.compressWindowBits, 10);
  });
  test('no header or no permessage-deflate: declined', T, () => {
    assert.equal(acceptDeflateOffer(undefined, {}), undefined);
    assert.equal(acceptDeflateOffer('', {}), undefined);
  });
});

describe('client negotiation (RFC 7692 §7)', () => {
  test('the offer', T, () => {
    assert.equal(deflateOffer({}), 'permessage-deflate; client_no_context_takeover');
    assert.equal(
      deflateOffer({ serverNoContextTakeover: true, serverMaxWindowBits: 10 }),
      'permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=10',
    );
  });
  test('answers it honours', T, () => {
    const a = acceptDeflateResponse('permessage-deflate', {}) as NegotiatedDeflate;
    assert.equal(a.peerContextTakeover, true);
    assert.equal(a.peerWindowBits, 15);
    const b = acceptDeflateResponse('permessage-deflate; server_no_context_takeover; server_max_window_bits=9', {}) as NegotiatedDeflate;
    assert.equal(b.peerContextTakeover, false);
    assert.equal(b.peerWindowBits, 9);
  });
  for (const bad of [
    'permessage-deflate; client_max_window_bits=10', // not offered (§7.1.2.2)
    'permessage-deflate; foo',
    'permessage-deflate, permessage-deflate',
    'x-other',
    'permessage-deflate; server_max_window_bits=16',
    'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
  ]) {
    test(`fails on ${JSON.stringify(bad)}`, T, () => assert.equal(typeof acceptDeflateResponse(bad, {}), 'string'));
  }
  test('a window larger than the one asked for fails', T, () => {
    assert.equal(typeof acceptDeflateResponse('permessage-deflate; server_max_window_bits=12', { serverMaxWindowBits: 10 }), 'string');
  });
});

// ------------------------------------------------------------ the parser

const SERVER = acceptDeflateOffer('permessage-deflate', {})!;
type Event = [string, ...unknown[]];

function collect(deflate: NegotiatedDeflate | undefined, role: 'server' | 'client' = 'client', maxMessageSize = 1 << 20) {
  const events: Event[] = [];
  const handler: DecoderHandler = {
    onMessage: (data, isBinary) => events.push(['message', isBinary ? Buffer.from(data as Buffer) : data, isBinary]),
    onPing: (p) => events.push(['ping', p.toString()]),
    onPong: (p) => events.push(['pong', p.toString()]),
    onClose: (code, reason) => events.push(['close', code, reason]),
    onFault: (code, _reason, errorCode) => events.push(['fault', code, errorCode]),
  };
  return { events, parser: new FrameParser(handler, { role, maxMessageSize, maxFragments: 1000, deflate }) };
}

/** An unmasked (server) frame with the given first byte. */
function frame(b0: number, payload: Uint8Array): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([b0, len]) : len < 65536 ? Buffer.from([b0, 126, len >> 8, len & 0xff]) : (() => {
    const h = Buffer.alloc(10);
    h[0] = b0;
    h[1] = 127;
    h.writeBigUInt64BE(BigInt(len), 2);
    return h;
  })();
  return Buffer.concat([head, payload]);
}
const compress = (data: string | Buffer) => deflatePayload(data, SERVER);

describe('inflating messages (RFC 7692 §7.2.2)', () => {
  test('text and binary round trips of many sizes, fed whole and byte by byte', T, () => {
    for (const size of [0, 1, 125, 126, 1000, 65535, 65536, 200_000]) {
      const text = 'ab€c'.repeat(Math.ceil(size / 4)).slice(0, size);
      const bin = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) & 0xff));
      for (const split of [false, true]) {
        const { events, parser } = collect(SERVER);
        const bytes = Buffer.concat([frame(0xc1, compress(text)), frame(0xc2, compress(bin))]);
        if (split && size <= 1000) for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
        else parser.push(bytes);
        assert.deepEqual(events, [['message', text, false], ['message', bin, true]], `size ${size}`);
      }
    }
  });
  test('a compressed message in fragments: RSV1 on the first frame only', T, () => {
    const payload = compress('hello '.repeat(100));
    const { events, parser } = collect(SERVER);
    parser.push(Buffer.concat([frame(0x41, payload.subarray(0, 5)), frame(0x00, payload.subarray(5, 9)), frame(0x80, payload.subarray(9))]));
    assert.deepEqual(events, [['message', 'hello '.repeat(100), false]]);
  });
  test('uncompressed messages still pass on a deflate connection', T, () => {
    const { events, parser } = collect(SERVER);
    parser.push(Buffer.concat([frame(0x81, Buffer.from('plain')), frame(0xc1, compress('packed'))]));
    assert.deepEqual(events, [['message', 'plain', false], ['message', 'packed', false]]);
  });
  test('context takeover: a peer that keeps its window (the client keeps the tail of what it inflated)', T, async () => {
    const agreed = acceptDeflateResponse('permessage-deflate', {}) as NegotiatedDeflate;
    const { events, parser } = collect(agreed);
    const deflater = createDeflateRaw();
    const messages = ['the same words again and again', 'the same words again and again!', 'x'.repeat(40_000), 'the same words again and again?'];
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
      parser.push(frame(0xc1, out.subarray(0, out.length - 4)));
    }
    deflater.close();
    assert.deepEqual(events, messages.map((m) => ['message', m, false]));
    // Without the window the later messages do not inflate: takeover was real.
    const { events: fresh, parser: p2 } = collect(SERVER);
    const second = deflateRawSync('the same words again and again', { finishFlush: constants.Z_SYNC_FLUSH });
    p2.push(frame(0xc1, second.subarray(0, second.length - 4)));
    assert.deepEqual(fresh, [['message', 'the same words again and again', false]]);
  });
});

describe('inflation bounds and faults', () => {
  test('a decompression bomb closes with 1009 (WS_ERR_INFLATED_TOO_BIG) without inflating it all', T, () => {
    const bomb = compress(Buffer.alloc(50 * 1024 * 1024)); // ~50 KiB on the wire
    const { events, parser } = collect(SERVER, 'client', 1 << 20);
    parser.push(frame(0xc2, bomb));
    assert.deepEqual(events, [['fault', 1009, ErrorCode.INFLATED_TOO_BIG]]);
  });
  test('inflating to exactly the limit is allowed, one byte more is not', T, () => {
    assert.equal((inflatePayload([compress(Buffer.alloc(1000))], compress(Buffer.alloc(1000)).length, 1000) as Buffer).length, 1000);
    assert.equal(inflatePayload([compress(Buffer.alloc(1001))], compress(Buffer.alloc(1001)).length, 1000), 'too-big');
  });
  test('compressed size over the limit fails at the header (1009)', T, () => {
    const { events, parser } = collect(SERVER, 'client', 100);
    parser.push(Buffer.from([0xc2, 126, 0, 200]));
    assert.deepEqual(events, [['fault', 1009, ErrorCode.MESSAGE_TOO_BIG]]);
  });
  test('data that is not DEFLATE → 1007 (WS_ERR_INFLATE_FAILED)', T, () => {
    const { events, parser } = collect(SERVER);
    parser.push(frame(0xc1, Buffer.from([0xff, 0xff, 0xff, 0xff])));
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INFLATE_FAILED]]);
  });
  test('compressed text that is not UTF-8 → 1007 before delivery', T, () => {
    const { events, parser } = collect(SERVER);
    parser.push(Buffer.concat([frame(0xc1, compress(Buffer.from([0x61, 0xc3, 0x28]))), frame(0x89, Buffer.from('p'))]));
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INVALID_UTF8]]);
  });
  test('compressed text ending inside a code point → 1007', T, () => {
    const { events, parser } = collect(SERVER);
    parser.push(frame(0xc1, compress(Buffer.from([0x61, 0xe2, 0x82]))));
    assert.deepEqual(events, [['fault', 1007, ErrorCode.INVALID_UTF8]]);
  });
  const rsv1Faults: Array<[string, NegotiatedDeflate | undefined, Buffer]> = [
    ['RSV1 without the extension', undefined, frame(0xc1, compress('x'))],
    ['RSV1 on a ping', SERVER, frame(0xc9, Buffer.from('p'))],
    ['RSV1 on a close', SERVER, frame(0xc8, Buffer.from([3, 0xe8]))],
    ['RSV1 on a pong', SERVER, frame(0xca, Buffer.alloc(0))],
    ['RSV1 on a continuation', SERVER, Buffer.concat([frame(0x41, compress('ab').subarray(0, 1)), frame(0xc0, compress('ab').subarray(1))])],
  ];
  for (const [name, deflate, bytes] of rsv1Faults) {
    test(`${name} → 1002 (WS_ERR_UNEXPECTED_RSV_1)`, T, () => {
      const { events, parser } = collect(deflate);
      parser.push(bytes);
      assert.deepEqual(events, [['fault', 1002, ErrorCode.UNEXPECTED_RSV1]]);
    });
  }
  test('RSV2 and RSV3 stay faults with deflate on (WS_ERR_RESERVED_BITS)', T, () => {
    for (const b0 of [0xa1, 0x91, 0xe1]) {
      const { events, parser } = collect(SERVER);
      parser.push(frame(b0, Buffer.from('x')));
      assert.deepEqual(events, [['fault', 1002, ErrorCode.RESERVED_BITS]]);
    }
  });
});

describe('prepareMessage (broadcast)', () => {
  const small = acceptDeflateOffer('permessage-deflate', { threshold: 100 })!;
  test('plain and compressed frames are each made once and reused', T, () => {
    const m = prepareMessage('hello '.repeat(100));
    assert.equal(m.frameFor(undefined), m.frameFor(undefined));
    const c = m.frameFor(small);
    assert.equal(c, m.frameFor(small));
    assert.equal(c[0], 0xc1, 'FIN, RSV1, text');
    const { events, parser } = collect(small);
    parser.push(Buffer.from(c));
    assert.deepEqual(events, [['message', 'hello '.repeat(100), false]]);
  });
  test("'auto' respects the threshold, true forces compression, false never compresses", T, () => {
    assert.equal(prepareMessage('short').frameFor(small)[0], 0x81);
    assert.equal(prepareMessage('short', { deflate: true }).frameFor(small)[0], 0xc1);
    assert.equal(prepareMessage('x'.repeat(500), { deflate: false }).frameFor(small)[0], 0x81);
    assert.equal(prepareMessage(Buffer.alloc(500)).frameFor(small)[0], 0xc2);
  });
  test('different windows get different compressed frames', T, () => {
    const w9 = acceptDeflateOffer('permessage-deflate; server_max_window_bits=9', { threshold: 0 })!;
    const m = prepareMessage('abc'.repeat(1000));
    assert.notEqual(m.frameFor(w9), m.frameFor(small));
  });
});
