// Sections 12 and 13 (the ground of Autobahn's categories): permessage-deflate
// (RFC 7692). The client compresses messages of many sizes and kinds, whole
// and fragmented, under each parameter combination a client may offer; the
// echo server must answer the offer as RFC 7692 §7 allows and echo every
// message compressed (it compresses all replies), valid under the agreed
// window. Then the faults: RSV1 where it means nothing (1002), data that is
// not DEFLATE (1007), a decompression bomb (1009), compressed text that is
// not UTF-8 (1007).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { startEchoServer, useEchoServer } from "./echo-server.ts";
import { OP, RSV1, encodeFrame, ping, type WsRawClient } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 30_000 };
const BASE = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** RFC 7692 §7.2.1: compress, then drop the sync-flush tail. */
function compress(data: Buffer, windowBits = 15): Buffer {
  const out = deflateRawSync(data, { windowBits, finishFlush: constants.Z_SYNC_FLUSH });
  return out.subarray(0, out.length - 4);
}

/** RFC 7692 §7.2.2: put the tail back and inflate within the agreed window. */
function inflate(data: Buffer, windowBits: number): Buffer {
  return inflateRawSync(Buffer.concat([data, TAIL]), { windowBits, finishFlush: constants.Z_SYNC_FLUSH });
}

function payload(kind: "text" | "json" | "binary" | "noise", n: number): Buffer {
  if (kind === "text") return Buffer.alloc(n).fill(Buffer.from("Hello, wörld! Ça va? €😀 ", "utf8")).subarray(0, n);
  if (kind === "json") return Buffer.alloc(n).fill('{"room":"general","text":"hello there","ts":1700000000},');
  const b = Buffer.alloc(n);
  let x = n + 17;
  for (let i = 0; i < n; i++) b[i] = kind === "binary" ? (i * 31) & 0x3f : (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return b;
}
const isText = (kind: string) => kind === "text" || kind === "json";
/** Only whole characters: an unfinished last code point is cut off (RFC 3629 §3). */
function textPayload(kind: "text" | "json", n: number): Buffer {
  const b = payload(kind, n);
  let lead = n - 1;
  while (lead > 0 && ((b[lead] as number) & 0xc0) === 0x80) lead--;
  const first = b[lead] ?? 0;
  const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return lead >= 0 && lead + length > n ? b.subarray(0, lead) : b;
}

/** Reads one echoed message: its first frame must have RSV1, and it must inflate to `expected`. */
async function expectCompressedEcho(c: WsRawClient, opcode: number, expected: Buffer, windowBits: number): Promise<void> {
  const first = await c.nextFrame(10_000);
  assert.equal(first.opcode, opcode, `a ${expected.length}-byte echo, got ${first.opcode === OP.CLOSE ? `close ${first.payload.toString("latin1")}` : first.opcode}`);
  assert.equal(first.rsv, RSV1, "the echo is compressed (RSV1 on its first frame)");
  const parts = [first.payload];
  let fin = first.fin;
  while (!fin) {
    const f = await c.nextFrame(10_000);
    assert.equal(f.opcode, OP.CONT);
    assert.equal(f.rsv, 0, "RSV1 only on the first frame (RFC 7692 §6.1)");
    parts.push(f.payload);
    fin = f.fin;
  }
  assert.ok(inflate(Buffer.concat(parts), windowBits).equals(expected), `echo of ${expected.length} bytes`);
}

const OFFERS: ReadonlyArray<[string, string, number]> = [
  ["permessage-deflate", BASE, 15],
  ["permessage-deflate; client_no_context_takeover", BASE, 15],
  ["permessage-deflate; server_no_context_takeover", BASE, 15],
  ["permessage-deflate; client_max_window_bits", BASE, 15],
  ["permessage-deflate; client_max_window_bits=9", BASE, 15],
  ["permessage-deflate; server_max_window_bits=9", `${BASE}; server_max_window_bits=9`, 9],
  ["permessage-deflate; server_max_window_bits=12; client_max_window_bits=12", `${BASE}; server_max_window_bits=12`, 12],
  [
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15; client_max_window_bits=15",
    `${BASE}; server_max_window_bits=15`,
    15,
  ],
  ["permessage-deflate; server_max_window_bits=8", `${BASE}; server_max_window_bits=8`, 8],
  ["permessage-deflate; bogus, permessage-deflate; server_max_window_bits=10", `${BASE}; server_max_window_bits=10`, 10],
];
const SIZES = [0, 16, 64, 125, 126, 256, 1024, 4096, 16384, 65535, 65536, 131072];
const KINDS = ["text", "json", "binary", "noise"] as const;

describe("13 parameter combinations: every size and kind, whole frames", () => {
  for (const [offer, answer, windowBits] of OFFERS) {
    test(`offer ${JSON.stringify(offer)}`, T, async (t) => {
      const c = await srv.connect(t, { headers: { "Sec-WebSocket-Extensions": offer } });
      assert.equal(c.handshake.headers["sec-websocket-extensions"], answer);
      // Our client side never uses context takeover: the answer forbids it.
      const clientWindow = /client_max_window_bits=(\d+)/.exec(offer)?.[1];
      for (const kind of KINDS) {
        for (const n of SIZES) {
          const data = isText(kind) ? textPayload(kind as "text" | "json", n) : payload(kind, n);
          const opcode = isText(kind) ? OP.TEXT : OP.BINARY;
          await c.write(encodeFrame({ opcode, payload: compress(data, Math.max(9, Number(clientWindow ?? 15))), rsv: RSV1 }));
          await expectCompressedEcho(c, opcode, data, windowBits);
        }
      }
    });
  }
});

describe("12 compressed messages in fragments", () => {
  for (const fragment of [1, 7, 256, 4096]) {
    test(`text and binary of 64 KiB compressed, sent in ${fragment}-byte fragments`, T, async (t) => {
      const c = await srv.connect(t, { headers: { "Sec-WebSocket-Extensions": "permessage-deflate" } });
      for (const [kind, opcode] of [["json", OP.TEXT], ["binary", OP.BINARY]] as const) {
        const data = payload(kind, 65536);
        const packed = compress(data);
        const frames: Buffer[] = [];
        for (let at = 0; at < packed.length || at === 0; at += fragment) {
          const first = at === 0;
          const last = at + fragment >= packed.length;
          frames.push(encodeFrame({ opcode: first ? opcode : OP.CONT, payload: packed.subarray(at, at + fragment), fin: last, rsv: first ? RSV1 : 0 }));
        }
        await c.write(frames);
        await expectCompressedEcho(c, opcode, data, 15);
      }
    });
  }
  test("a ping between compressed fragments is answered; plain and compressed messages mix", T, async (t) => {
    const c = await srv.connect(t, { headers: { "Sec-WebSocket-Extensions": "permessage-deflate" } });
    const packed = compress(Buffer.from("interleaved ".repeat(50)));
    await c.write([
      encodeFrame({ opcode: OP.TEXT, payload: packed.subarray(0, 10), fin: false, rsv: RSV1 }),
      ping("in between"),
      encodeFrame({ opcode: OP.CONT, payload: packed.subarray(10) }),
      encodeFrame({ opcode: OP.TEXT, payload: "plain" }),
    ]);
    const pong = await c.nextFrame();
    assert.equal(pong.opcode, OP.PONG);
    await expectCompressedEcho(c, OP.TEXT, Buffer.from("interleaved ".repeat(50)), 15);
    await expectCompressedEcho(c, OP.TEXT, Buffer.from("plain"), 15);
  });
});

describe("12 faults on a compressed connection", () => {
  const deflateOffer = { headers: { "Sec-WebSocket-Extensions": "permessage-deflate" } };
  test("RSV1 on a continuation frame → 1002", T, async (t) => {
    const c = await srv.connect(t, deflateOffer);
    const packed = compress(Buffer.from("abcdef"));
    await c.write([
      encodeFrame({ opcode: OP.TEXT, payload: packed.subarray(0, 2), fin: false, rsv: RSV1 }),
      encodeFrame({ opcode: OP.CONT, payload: packed.subarray(2), rsv: RSV1 }),
    ]);
    await c.expectClose(1002);
  });
  for (const [name, opcode, body] of [["ping", OP.PING, "p"], ["pong", OP.PONG, ""], ["close", OP.CLOSE, Buffer.from([0x03, 0xe8])]] as const) {
    test(`RSV1 on a ${name} frame → 1002`, T, async (t) => {
      const c = await srv.connect(t, deflateOffer);
      await c.write(encodeFrame({ opcode, payload: body, rsv: RSV1 }));
      await c.expectClose(1002);
    });
  }
  test("data that is not DEFLATE → 1007", T, async (t) => {
    const c = await srv.connect(t, deflateOffer);
    await c.write(encodeFrame({ opcode: OP.BINARY, payload: Buffer.from([0xff, 0xee, 0xdd, 0xcc, 0xbb]), rsv: RSV1 }));
    await c.expectClose(1007);
  });
  test("compressed text that is not UTF-8 → 1007", T, async (t) => {
    const c = await srv.connect(t, deflateOffer);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: compress(Buffer.from([0x68, 0x69, 0xed, 0xa0, 0x80])), rsv: RSV1 }));
    await c.expectClose(1007);
  });
  test("FAIL-FAST: compressed text whose first fragment inflates to invalid UTF-8 → 1007 before the last fragment is sent", T, async (t) => {
    // RFC 6455 §8.1 with RFC 7692 §7.2.2: text is checked as it inflates, so
    // the server fails the connection on the first fragment alone.
    const c = await srv.connect(t, deflateOffer);
    const bad = Buffer.concat([payload("json", 300), Buffer.from([0xc0, 0xaf]), payload("noise", 40_000).map((b) => 0x20 + (b % 90))]);
    const packed = compress(bad);
    const cut = Math.floor(packed.length / 3);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: packed.subarray(0, cut), fin: false, rsv: RSV1 }));
    await c.write(encodeFrame({ opcode: OP.CONT, payload: packed.subarray(cut, 2 * cut), fin: false }));
    await c.expectClose(1007, { timeoutMs: 3_000 });
    // The last fragment (packed.subarray(2 * cut)) was never sent.
  });
  test("FAIL-FAST: bad UTF-8 at the start of one long compressed frame that is still arriving → 1007", T, async (t) => {
    const c = await srv.connect(t, deflateOffer);
    const packed = compress(Buffer.concat([Buffer.from("ok "), Buffer.from([0xed, 0xa0, 0x80]), payload("text", 60_000)]));
    const sent = packed.subarray(0, Math.floor(packed.length / 4));
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: sent, rsv: RSV1, declaredLength: packed.length }));
    await c.expectClose(1007, { timeoutMs: 3_000 });
  });
  test("a decompression bomb (17 KiB inflating past the 16 MiB limit) → 1009, server stays up", T, async (t) => {
    const c = await srv.connect(t, deflateOffer);
    const bomb = compress(Buffer.alloc(17 * 1024 * 1024));
    assert.ok(bomb.length < 64 * 1024);
    await c.write(encodeFrame({ opcode: OP.BINARY, payload: bomb, rsv: RSV1 }));
    await c.expectClose(1009);
    const d = await srv.connect(t, deflateOffer);
    await d.write(encodeFrame({ opcode: OP.TEXT, payload: compress(Buffer.from("alive")), rsv: RSV1 }));
    await expectCompressedEcho(d, OP.TEXT, Buffer.from("alive"), 15);
  });
  test("RSV1 when the client did not offer the extension → 1002", T, async (t) => {
    const c = await srv.connect(t);
    assert.equal(c.handshake.headers["sec-websocket-extensions"], undefined);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: compress(Buffer.from("x")), rsv: RSV1 }));
    await c.expectClose(1002);
  });
  test("offers the server cannot accept are declined, never failed", T, async (t) => {
    for (const offer of ["permessage-deflate; foo", "permessage-deflate; server_max_window_bits=16", "x-webkit-deflate-frame", "permessage-deflate;;"]) {
      const c = await srv.connect(t, { headers: { "Sec-WebSocket-Extensions": offer } });
      assert.equal(c.handshake.headers["sec-websocket-extensions"], undefined, offer);
      await c.write(encodeFrame({ opcode: OP.TEXT, payload: "still works" }));
      assert.equal((await c.nextMessage()).payload.toString(), "still works");
    }
  });
});

describe("12 --no-deflate", () => {
  test("bin/echo-server.js --no-deflate declines the extension", T, async (t) => {
    const server = await startEchoServer({ extraArgs: ["--no-deflate"] });
    t.after(() => server.stop());
    const { connect } = await import("./raw-client.ts");
    const c = await connect(server.port, { headers: { "Sec-WebSocket-Extensions": "permessage-deflate" } });
    t.after(() => c.destroy());
    assert.equal(c.handshake.headers["sec-websocket-extensions"], undefined);
  });
});
