// Section 4: reserved opcodes. RFC 6455 §5.2: %x3-7 are reserved for further
// non-control frames and %xB-F for further control frames; "If an unknown
// opcode is received, the receiving endpoint MUST _Fail the WebSocket
// Connection_" (§5.2), with 1002 (§7.4.1).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, encodeFrame, ping, text } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };

const NON_CONTROL = [3, 4, 5, 6, 7];
const CONTROL = [11, 12, 13, 14, 15];

describe("4.1 reserved non-control opcodes 3-7", () => {
  for (const op of NON_CONTROL) {
    test(`opcode ${op}, empty payload → close 1002`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write(encodeFrame({ opcode: op }));
      await c.expectClose(1002);
    });
    test(`valid text, opcode ${op} with payload, ping (one write) → echo, close 1002, no pong`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write([text("before"), encodeFrame({ opcode: op, payload: "reserved" }), ping("no")]);
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.TEXT);
      assert.equal(m.payload.toString(), "before");
      await c.expectClose(1002);
    });
  }
});

describe("4.2 reserved control opcodes 11-15", () => {
  for (const op of CONTROL) {
    test(`opcode ${op}, empty payload → close 1002`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write(encodeFrame({ opcode: op }));
      await c.expectClose(1002);
    });
    test(`valid text, opcode ${op} with payload, ping (one write) → echo, close 1002, no pong`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write([text("before"), encodeFrame({ opcode: op, payload: "reserved" }), ping("no")]);
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.TEXT);
      assert.equal(m.payload.toString(), "before");
      await c.expectClose(1002);
    });
  }
});

describe("4.3 health", () => {
  test("the server is still alive and echoing", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text("alive"));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "alive");
  });
});
