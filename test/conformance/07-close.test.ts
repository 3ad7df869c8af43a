// Section 7: the closing handshake (RFC 6455 §5.5.1, §7).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, binary, close, closePayload, cont, encodeFrame, ping, text } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };
const CLEAN = { allowReset: false } as const;

describe("7.1 basic close handshake", () => {
  test("close with no payload → server closes with no code or 1000, then closes TCP", T, async (t) => {
    // RFC 6455 §5.5.1: a close body is optional; §7.4.1 1000 = normal.
    const c = await srv.connect(t);
    await c.write(close());
    await c.expectClose([null, 1000], CLEAN);
  });

  test("close 1000 → close 1000 echoed, server closes TCP promptly", T, async (t) => {
    // RFC 6455 §7.1.1: the server SHOULD close the TCP connection first.
    const c = await srv.connect(t);
    await c.write(close(1000));
    const info = await c.expectClose(1000, { ...CLEAN, tcpTimeoutMs: 1_000 });
    assert.equal(c.destroyedLocally, false);
    t.diagnostic(`TCP closed ${info.tcpCloseDelayMs.toFixed(1)} ms after the close frame`);
  });

  test("text, then close in one write → echo, then close 1000", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("last words"), close(1000)]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "last words");
    await c.expectClose(1000, CLEAN);
  });

  test("data after a close frame is ignored (no echo)", T, async (t) => {
    // RFC 6455 §5.5.1: after sending a close the endpoint sends no more data;
    // data received after a close is not to be processed (§1.4).
    const c = await srv.connect(t);
    await c.write([close(1000), text("after close"), binary(Buffer.from([1, 2, 3]))]);
    await c.expectClose(1000);
  });

  test("ping after a close frame is not answered", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([close(1000), ping("after close")]);
    await c.expectClose(1000);
  });

  test("a second close after the first is ignored", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([close(1000), close(1001)]);
    await c.expectClose(1000);
  });

  test("close in the middle of a fragmented message → clean close, message not delivered", T, async (t) => {
    // RFC 6455 §5.4/§5.5: a control frame may come between fragments.
    const c = await srv.connect(t);
    await c.write([text("fragment1", { fin: false }), close(1000), cont("fragment2")]);
    await c.expectClose(1000, CLEAN);
  });

  test("after failing the connection the server closes TCP without waiting for our close", T, async (t) => {
    // RFC 6455 §7.1.7: _Fail the WebSocket Connection_ = send a close frame
    // (optionally) and _Close the WebSocket Connection_ (the TCP connection).
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: 5 }));
    await c.expectClose(1002, { reply: false, tcpTimeoutMs: 2_000 });
  });

  test("client sends close and half-closes its side → close 1000 and TCP close", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(close(1000));
    c.socket.end();
    await c.expectClose(1000);
  });

  test("binary 4 MiB followed by close in the same write → complete echo, then close 1000", { timeout: 20_000 }, async (t) => {
    const c = await srv.connect(t);
    const p = Buffer.alloc(4 * 1024 * 1024).fill(Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    await c.write([binary(p), close(1000)]);
    const m = await c.nextMessage(15_000);
    assert.equal(m.opcode, OP.BINARY);
    assert.ok(m.payload.equals(p), "echo differs");
    await c.expectClose(1000, CLEAN);
  });

  test("close written one byte at a time", T, async (t) => {
    const c = await srv.connect(t);
    await c.writeChunked(close(1000, "bye"), 1, 1);
    await c.expectClose(1000, CLEAN);
  });
});

describe("7.3 close frame payload", () => {
  test("1-byte close payload → close 1002", T, async (t) => {
    // RFC 6455 §5.5.1: if there is a body, its first two bytes are the code.
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.CLOSE, payload: Buffer.from([0x03]) }));
    await c.expectClose(1002);
  });

  test("close 1000 with a short reason → 1000", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(close(1000, "Hello World!"));
    await c.expectClose(1000, CLEAN);
  });

  test("close 1000 with a 123-byte reason (maximum) → 1000", T, async (t) => {
    // RFC 6455 §5.5: control payload ≤ 125 = 2 code bytes + 123 reason bytes.
    const c = await srv.connect(t);
    const reason = "*".repeat(123);
    assert.equal(closePayload(1000, reason).length, 125);
    await c.write(close(1000, reason));
    const info = await c.expectClose(1000, CLEAN);
    // If the server echoes a reason it must be a well-formed one (checked by
    // expectClose); echoing the reason is not required.
    assert.ok(info.frame.payload.length <= 125);
  });

  test("close 1000 with a 124-byte reason (payload 126) → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(close(1000, "*".repeat(124)));
    await c.expectClose(1002);
  });

  test("close reason with multi-byte UTF-8 → 1000", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(close(1000, "κόσμε — \u{1F44B}"));
    await c.expectClose(1000, CLEAN);
  });

  test("close reason that is invalid UTF-8 (surrogate) → close 1007", T, async (t) => {
    // RFC 6455 §5.5.1: the reason is UTF-8; §8.1: invalid UTF-8 fails (1007).
    const c = await srv.connect(t);
    await c.write(close(1000, Buffer.from([0x6f, 0x6b, 0xed, 0xa0, 0x80])));
    await c.expectClose(1007);
  });

  test("close reason that is invalid UTF-8 (0xFF) → close 1007", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(close(1000, Buffer.from([0xff])));
    await c.expectClose(1007);
  });

  test("close reason ending in a truncated sequence → close 1007", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(close(1000, Buffer.from([0x61, 0xe2, 0x82])));
    await c.expectClose(1007);
  });
});

describe("7.7 valid status codes are echoed", () => {
  // RFC 6455 §7.4.1 defines 1000-1003 and 1007-1011; 1012-1014 are
  // registered with IANA (§11.7 registry); 3000-3999 are for registered use
  // and 4000-4999 for private use (§7.4.2).
  for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
    test(`close ${code} → close ${code}`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write(close(code));
      await c.expectClose(code, CLEAN);
    });
  }
});

describe("7.9 invalid status codes → close 1002", () => {
  // RFC 6455 §7.4.1/§7.4.2: 0-999 are not used; 1004 is reserved; 1005, 1006
  // and 1015 MUST NOT be sent in a close frame; 1016-2999 are unassigned
  // protocol codes; nothing above 4999 is defined.
  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
    test(`close ${code} → close 1002`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write(close(code));
      await c.expectClose(1002);
    });
  }
});

describe("7.x health", () => {
  test("the server is still alive and echoing", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text("alive"));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "alive");
  });
});
