// The sans-I/O protocol core (lib/websocket/protocol.ts): the closing
// handshake and the connection's state, driven with bytes and no socket
// (RFC 6455 §5.5.1, §7.1.1-§7.1.7, §7.4).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode, encodeClose, encodeFrame } from '../../lib/websocket/encoder.ts';
import { ErrorCode } from '../../lib/websocket/errors.ts';
import { prepareMessage } from '../../lib/websocket/prepared.ts';
import { ReadyState, WebSocketProtocol, type ProtocolHandler } from '../../lib/websocket/protocol.ts';

type Role = 'server' | 'client';
/** What came out, in order: events and the frames the protocol sent by itself. */
type Out =
  | ['message', string | Buffer, boolean]
  | ['ping' | 'pong', string]
  | ['close', number, string]
  | ['fault', number, string]
  | ['output', Frame];

interface Frame {
  opcode: number;
  masked: boolean;
  /** For a Close: its code (undefined when the body is empty) and reason. */
  code?: number | undefined;
  reason?: string;
  payload: Buffer;
}

/** Decodes one whole frame we produced (no extended lengths needed for control frames). */
function decode(bytes: Buffer): Frame {
  const opcode = bytes[0]! & 0x0f;
  const masked = (bytes[1]! & 0x80) !== 0;
  let length = bytes[1]! & 0x7f;
  let at = 2;
  if (length === 126) {
    length = bytes.readUInt16BE(2);
    at = 4;
  }
  const key = masked ? bytes.subarray(at, at + 4) : undefined;
  if (masked) at += 4;
  const payload = Buffer.from(bytes.subarray(at, at + length));
  if (key) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
  assert.equal(at + length, bytes.length, 'one frame');
  if (opcode !== Opcode.CLOSE) return { opcode, masked, payload };
  return {
    opcode,
    masked,
    payload,
    code: payload.length >= 2 ? payload.readUInt16BE(0) : undefined,
    reason: payload.subarray(2).toString('utf8'),
  };
}

function setup(role: Role = 'server', handle: Partial<ProtocolHandler> = {}) {
  const out: Out[] = [];
  const handler: ProtocolHandler = {
    onMessage: (data, isBinary) => out.push(['message', data, isBinary]),
    onPing: (p) => out.push(['ping', p.toString()]),
    onPong: (p) => out.push(['pong', p.toString()]),
    onClose: (code, reason) => out.push(['close', code, reason]),
    onFault: (error) => {
      out.push(['fault', error.closeCode, error.code]);
      handle.onFault?.(error);
    },
    onOutput: (frame, isClose) => {
      const f = decode(frame);
      assert.equal(isClose, f.opcode === Opcode.CLOSE, 'isClose says whether it is a Close');
      out.push(['output', f]);
    },
  };
  const protocol = new WebSocketProtocol(handler, { role, maxMessageSize: 1 << 20 });
  // What the peer sends: a client masks (§5.1), a server does not.
  const peerMask = role === 'server';
  const peer = {
    text: (s: string, fin = true) => encodeFrame(Opcode.TEXT, s, { mask: peerMask, fin }),
    cont: (s: string, fin = true) => encodeFrame(Opcode.CONTINUATION, s, { mask: peerMask, fin }),
    ping: (s: string) => encodeFrame(Opcode.PING, s, { mask: peerMask }),
    close: (code?: number, reason = '') => encodeClose(code, reason, { mask: peerMask }),
    closeBody: (body: Buffer) => encodeFrame(Opcode.CLOSE, body, { mask: peerMask }),
  };
  const take = () => out.splice(0, out.length);
  return { protocol, peer, out, take };
}

const closeOut = (code: number | undefined, reason: string, masked: boolean): Out => {
  const payload = code === undefined ? Buffer.alloc(0) : Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);
  return ['output', { opcode: Opcode.CLOSE, masked, payload, code, reason: code === undefined ? '' : reason }];
};

describe('we start the closing handshake (§7.1.2)', () => {
  for (const role of ['server', 'client'] as const) {
    test(`${role}: close() → our Close; the peer's answer completes it`, () => {
      const { protocol, peer, take } = setup(role);
      const frame = protocol.close(1000, 'bye');
      assert.ok(frame);
      assert.deepEqual(['output', decode(frame)], closeOut(1000, 'bye', role === 'client'));
      assert.equal(protocol.state, ReadyState.CLOSING);
      assert.equal(protocol.closeSent, true);
      assert.equal(protocol.closeInitiator, 'local');
      assert.equal(protocol.shouldCloseTransport, false, 'wait for the peer');
      protocol.receive(peer.close(1000, 'ok'));
      assert.deepEqual(take(), [['close', 1000, 'ok']], 'no second Close from us');
      assert.equal(protocol.closeReceived, true);
      // §7.1.1: the server closes TCP first; the client waits for it.
      assert.equal(protocol.shouldCloseTransport, role === 'server');
      assert.equal(protocol.closeCode, 1000);
      assert.equal(protocol.closeReason, 'ok');
      protocol.transportClosed();
      assert.equal(protocol.state, ReadyState.CLOSED);
      assert.equal(protocol.closeInitiator, 'local');
    });
  }
  test('the peer never answers: our code is what is reported', () => {
    const { protocol } = setup();
    protocol.close(4001, 'kicked');
    protocol.transportClosed();
    assert.equal(protocol.closeCode, 4001);
    assert.equal(protocol.closeReason, 'kicked');
  });
  test('after our Close: messages are dropped, pings reported but not answered (§1.4, §5.5.2)', () => {
    const { protocol, peer, take } = setup();
    protocol.close();
    protocol.receive(Buffer.concat([peer.text('late'), peer.ping('p'), peer.close(1000)]));
    assert.deepEqual(take(), [['ping', 'p'], ['close', 1000, '']]);
  });
});

describe('the peer starts the closing handshake (§5.5.1)', () => {
  for (const role of ['server', 'client'] as const) {
    test(`${role}: its Close is echoed with its code; nothing more may be sent`, () => {
      const { protocol, peer, take } = setup(role);
      protocol.receive(peer.close(1001, 'going'));
      assert.deepEqual(take(), [closeOut(1001, '', role === 'client'), ['close', 1001, 'going']]);
      assert.equal(protocol.closeInitiator, 'peer');
      assert.equal(protocol.state, ReadyState.CLOSING);
      assert.equal(protocol.shouldCloseTransport, role === 'server');
      assert.equal(protocol.send('x'), undefined);
      assert.equal(protocol.ping(), undefined);
      assert.equal(protocol.close(1000), undefined, 'no second Close');
      protocol.transportClosed();
      assert.equal(protocol.closeCode, 1001);
      assert.equal(protocol.closeReason, 'going');
    });
  }
  test('an empty Close is answered with an empty Close and reported as 1005 (§7.1.5)', () => {
    const { protocol, peer, take } = setup();
    protocol.receive(peer.close());
    assert.deepEqual(take(), [closeOut(undefined, '', false), ['close', 1005, '']]);
    assert.equal(protocol.closeCode, 1005);
  });
  test('a message before the Close in the same chunk is delivered while still OPEN', () => {
    const { protocol, peer, out } = setup();
    const seen: number[] = [];
    const real = out.push.bind(out);
    out.push = (...items: Out[]) => {
      seen.push(protocol.state);
      return real(...items);
    };
    protocol.receive(Buffer.concat([peer.text('last words'), peer.close(1000)]));
    assert.deepEqual(out.map((o) => o[0]), ['message', 'output', 'close']);
    assert.equal(seen[0], ReadyState.OPEN, 'the application may still answer');
  });
  test('a Close between fragments ends the connection; the message is never delivered', () => {
    const { protocol, peer, take } = setup();
    protocol.receive(Buffer.concat([peer.text('frag', false), peer.close(1000), peer.cont('ment')]));
    assert.deepEqual(take(), [closeOut(1000, '', false), ['close', 1000, '']]);
  });
});

describe('both close at once', () => {
  test('our Close and the peer’s cross: no echo, the peer’s code is reported, we started', () => {
    const { protocol, peer, take } = setup();
    protocol.close(1001, 'shutdown');
    protocol.receive(peer.close(1000, 'leaving'));
    assert.deepEqual(take(), [['close', 1000, 'leaving']]);
    assert.equal(protocol.closeInitiator, 'local');
    assert.equal(protocol.closeCode, 1000);
    assert.equal(protocol.shouldCloseTransport, true);
  });
});

describe('protocol faults (§7.1.7)', () => {
  for (const role of ['server', 'client'] as const) {
    test(`${role}: a reserved opcode fails the connection with 1002 and TCP is closed`, () => {
      const { protocol, take } = setup(role);
      protocol.receive(Buffer.from([0x83, role === 'server' ? 0x80 : 0x00, 0, 0, 0, 0].slice(0, role === 'server' ? 6 : 2)));
      assert.deepEqual(take(), [['fault', 1002, ErrorCode.RESERVED_OPCODE], closeOut(1002, 'reserved opcode', role === 'client')]);
      assert.equal(protocol.closeInitiator, 'local');
      assert.equal(protocol.shouldCloseTransport, true, 'either side closes TCP after failing');
      assert.equal(protocol.closeCode, 1002);
    });
  }
  test('a fault after our Close sends no second Close and keeps our code', () => {
    const { protocol, peer, take } = setup();
    protocol.close(1000, 'done');
    protocol.receive(Buffer.concat([peer.text('fine'), Buffer.from([0x8f, 0x80, 0, 0, 0, 0])]));
    assert.deepEqual(take(), [['fault', 1002, ErrorCode.RESERVED_OPCODE]]);
    assert.equal(protocol.closeCode, 1000);
    assert.equal(protocol.shouldCloseTransport, true);
  });
  test('an application that closes while handling the fault: its Close stands, only one is sent', () => {
    let p: WebSocketProtocol | undefined;
    const frames: Buffer[] = [];
    const { protocol, take } = setup('server', { onFault: () => frames.push(p!.close(4000, 'mine')!) });
    p = protocol;
    protocol.receive(Buffer.from([0x8f, 0x80, 0, 0, 0, 0]));
    assert.deepEqual(take(), [['fault', 1002, ErrorCode.RESERVED_OPCODE]]);
    assert.equal(frames.length, 1);
    assert.equal(decode(frames[0]!).code, 4000);
    assert.equal(protocol.shouldCloseTransport, true);
  });
  test('invalid UTF-8 in text → 1007, later bytes ignored', () => {
    const { protocol, peer, take } = setup();
    protocol.receive(Buffer.concat([encodeFrame(Opcode.TEXT, Buffer.from([0xc0, 0xaf]), { mask: true }), peer.text('after')]));
    assert.deepEqual(take(), [['fault', 1007, ErrorCode.INVALID_UTF8], closeOut(1007, 'invalid UTF-8', false)]);
    protocol.receive(peer.text('later'));
    assert.deepEqual(take(), []);
  });
});

describe('bad Close payloads (§5.5.1, §7.4)', () => {
  const cases: Array<[string, Buffer, number, string]> = [
    ['a 1-byte body', Buffer.from([0x03]), 1002, ErrorCode.CLOSE_PAYLOAD_ONE_BYTE],
    ['a reason that is not UTF-8', Buffer.from([0x03, 0xe8, 0xff]), 1007, ErrorCode.INVALID_CLOSE_REASON],
    ['a reason ending inside a code point', Buffer.from([0x03, 0xe8, 0x61, 0xe2, 0x82]), 1007, ErrorCode.INVALID_CLOSE_REASON],
    ['a 126-byte body', Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.alloc(124, 0x61)]), 1002, ErrorCode.CONTROL_TOO_LONG],
  ];
  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]) {
    cases.push([`code ${code}`, Buffer.from([code >> 8, code & 0xff]), 1002, ErrorCode.INVALID_CLOSE_CODE]);
  }
  for (const [name, body, closeCode, errorCode] of cases) {
    test(`${name} → ${closeCode} (${errorCode})`, () => {
      const { protocol, peer, take } = setup();
      protocol.receive(peer.closeBody(body));
      const out = take();
      assert.deepEqual(out.slice(0, 1), [['fault', closeCode, errorCode]]);
      assert.equal(out.length, 2);
      assert.equal((out[1] as ['output', Frame])[1].code, closeCode);
      assert.equal(protocol.closeReceived, false, 'a bad Close is a fault, not a Close');
      assert.equal(protocol.closeInitiator, 'local');
    });
  }
  test('a fragmented Close → 1002', () => {
    const { protocol, take } = setup();
    protocol.receive(encodeFrame(Opcode.CLOSE, Buffer.from([0x03, 0xe8]), { mask: true, fin: false }));
    assert.deepEqual(take()[0], ['fault', 1002, ErrorCode.FRAGMENTED_CONTROL]);
  });
  for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]) {
    test(`code ${code} is accepted and echoed`, () => {
      const { protocol, peer, take } = setup();
      protocol.receive(peer.close(code, 'r'));
      assert.deepEqual(take(), [closeOut(code, '', false), ['close', code, 'r']]);
    });
  }
  test('a 123-byte reason (the most a Close can carry) is accepted', () => {
    const { protocol, peer, take } = setup();
    protocol.receive(peer.close(1000, 'é'.repeat(61) + 'x'));
    assert.deepEqual(take()[1], ['close', 1000, 'é'.repeat(61) + 'x']);
  });
});

describe('close after close, data after close', () => {
  test('a second Close from the peer is ignored, and so is everything after the first', () => {
    const { protocol, peer, take } = setup();
    protocol.receive(Buffer.concat([peer.close(1000), peer.close(1001), peer.text('x'), peer.ping('p')]));
    assert.deepEqual(take(), [closeOut(1000, '', false), ['close', 1000, '']]);
    protocol.receive(peer.text('next chunk'));
    assert.deepEqual(take(), []);
    assert.equal(protocol.closeCode, 1000);
  });
  test('close() twice sends one Close', () => {
    const { protocol } = setup();
    assert.ok(protocol.close(1000));
    assert.equal(protocol.close(1001), undefined);
    assert.equal(protocol.closeCode, 1000);
  });
  test('while open a Ping is answered with the same payload before it is reported (§5.5.2)', () => {
    const { protocol, peer, take } = setup();
    protocol.receive(peer.ping('hello'));
    assert.deepEqual(take(), [['output', { opcode: Opcode.PONG, masked: false, payload: Buffer.from('hello') }], ['ping', 'hello']]);
  });
});

describe('abandoning, and a drop without a Close', () => {
  test('abandon(): CLOSED at once, our Close as the last word, later input ignored', () => {
    const { protocol, peer, take } = setup();
    const frame = protocol.abandon(1013, 'slow consumer');
    assert.deepEqual(['output', decode(frame)], closeOut(1013, 'slow consumer', false));
    assert.equal(protocol.state, ReadyState.CLOSED);
    assert.equal(protocol.shouldCloseTransport, true);
    protocol.receive(Buffer.concat([peer.text('x'), peer.close(1000)]));
    assert.deepEqual(take(), []);
    assert.equal(protocol.closeCode, 1013);
    assert.equal(protocol.send('x'), undefined);
  });
  test('the transport closes without any Close: 1006, nobody started the handshake', () => {
    const { protocol, peer, take } = setup();
    protocol.receive(peer.text('hi'));
    protocol.transportClosed();
    assert.deepEqual(take(), [['message', 'hi', false]]);
    assert.equal(protocol.closeCode, 1006);
    assert.equal(protocol.closeInitiator, undefined);
    assert.equal(protocol.state, ReadyState.CLOSED);
    protocol.receive(peer.text('ghost'));
    assert.deepEqual(take(), []);
  });
});

describe('sending', () => {
  test('client frames are masked, server frames are not (§5.1, §5.3)', () => {
    assert.equal(decode(setup('client').protocol.send('x')!).masked, true);
    assert.equal(decode(setup('server').protocol.send('x')!).masked, false);
    assert.equal(decode(setup('client').protocol.ping('p')!).masked, true);
  });
  test('sendPrepared is for servers, and only while OPEN', () => {
    const prepared = prepareMessage('hello');
    assert.throws(() => setup('client').protocol.sendPrepared(prepared));
    const { protocol } = setup();
    assert.equal(decode(protocol.sendPrepared(prepared)!).payload.toString(), 'hello');
    protocol.close();
    assert.equal(protocol.sendPrepared(prepared), undefined);
  });
});
