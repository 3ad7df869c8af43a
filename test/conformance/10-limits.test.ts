// Section 10: message size limit. RFC 6455 §7.4.1: 1009 "indicates that an
// endpoint is terminating the connection because it has received a message
// that is too big for it to process". The echo server's limit is 16 MiB; a
// larger frame must be refused from its header alone (§10.4: implementations
// SHOULD impose limits to avoid resource exhaustion).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, encodeFrame, fragments, text } from "./raw-client.ts";

const srv = useEchoServer();
const MiB = 1024 * 1024;
const LIMIT = 16 * MiB;

describe("10.1 oversized messages → close 1009", () => {
  test("binary frame header declaring 16 MiB + 1 (payload never sent) → close 1009", { timeout: 10_000 }, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.BINARY, payload: "", declaredLength: LIMIT + 1 }));
    await c.expectClose(1009, { timeoutMs: 3_000 });
  });

  test("text frame header declaring 16 MiB + 1 plus a few payload bytes → close 1009", { timeout: 10_000 }, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: "abc", declaredLength: LIMIT + 1 }));
    await c.expectClose(1009, { timeoutMs: 3_000 });
  });

  test("frame header declaring 2^62 bytes → close 1009", { timeout: 10_000 }, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.BINARY, payload: "", declaredLength: 1n << 62n }));
    await c.expectClose(1009, { timeoutMs: 3_000 });
  });

  test("fragmented message totalling 16 MiB + 1 byte → close 1009", { timeout: 30_000 }, async (t) => {
    const c = await srv.connect(t);
    const p = Buffer.alloc(LIMIT + 1, 0x5a);
    // 256 fragments of 64 KiB (= 16 MiB) and a final 1-byte fragment.
    await c.write(fragments(OP.BINARY, p, 64 * 1024)).catch(() => {});
    await c.expectClose(1009, { timeoutMs: 20_000 });
  });

  test("the server is still alive after the oversized messages", { timeout: 10_000 }, async (t) => {
    const c = await srv.connect(t);
    await c.write(text("alive"));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "alive");
  });
});
