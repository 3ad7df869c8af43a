// Section 3: reserved bits. RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an
// extension is negotiated that defines meanings for non-zero values. If a
// nonzero value is received and none of the negotiated extensions defines the
// meaning of such a nonzero value, the receiving endpoint MUST _Fail the
// WebSocket Connection_." No extension is negotiated by our handshake.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, closePayload, encodeFrame, ping, text } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };

const OPCODES: ReadonlyArray<[string, number, Buffer]> = [
  ["text", OP.TEXT, Buffer.from("Hello")],
  ["binary", OP.BINARY, Buffer.from([0, 1, 2, 0xff])],
  ["ping", OP.PING, Buffer.from("ping")],
  ["close", OP.CLOSE, closePayload(1000)],
  ["pong", OP.PONG, Buffer.from("pong")],
];

// RSV as the 3-bit value: 4 = RSV1, 2 = RSV2, 1 = RSV3.
const RSVS: ReadonlyArray<[string, number]> = [
  ["RSV1", 4],
  ["RSV2", 2],
  ["RSV3", 1],
  ["RSV1+RSV2+RSV3", 7],
];

describe("3.1 RSV bits set on each frame type → close 1002", () => {
  for (const [name, opcode, payload] of OPCODES) {
    for (const [rsvName, rsv] of RSVS) {
      test(`${name} frame with ${rsvName}`, T, async (t) => {
        const c = await srv.connect(t);
        await c.write(encodeFrame({ opcode, payload, rsv }));
        await c.expectClose(1002);
      });
    }
  }
});

describe("3.2 ordering around the bad frame", () => {
  test("valid text, then text with RSV2 in the same write: echo first, then close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("before"), text("bad", { rsv: 2 })]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "before");
    await c.expectClose(1002);
  });

  test("valid text, text with RSV3, then a ping in one write: echo, close 1002, no pong", T, async (t) => {
    // RFC 6455 §7.1.7: after failing, the endpoint MUST NOT process more data.
    const c = await srv.connect(t);
    await c.write([text("before"), text("bad", { rsv: 1 }), ping("must not be answered")]);
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "before");
    await c.expectClose(1002);
  });

  test("binary with RSV1 written in 1-byte chunks → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.writeChunked(encodeFrame({ opcode: OP.BINARY, payload: "chopped", rsv: 4 }), 1, 1).catch(() => {});
    await c.expectClose(1002);
  });

  test("RSV1 on a continuation frame → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([
      encodeFrame({ opcode: OP.TEXT, payload: "frag-", fin: false }),
      encodeFrame({ opcode: OP.CONT, payload: "ment", rsv: 4 }),
    ]);
    await c.expectClose(1002);
  });

  test("the server is still alive and echoing", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text("alive"));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "alive");
  });
});
