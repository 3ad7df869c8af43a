// Section 1: basic framing — text and binary messages of the boundary
// payload lengths of RFC 6455 §5.2, in one write and chunked.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, binary, encodeFrame, text } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };

// RFC 6455 §5.2: 0-125 fit the 7-bit length; 126..65535 use the 16-bit
// extended length; 65536 and up use the 64-bit extended length.
const LENGTHS = [0, 125, 126, 127, 128, 65535, 65536];

function textPayload(n: number): Buffer {
  // ASCII so that any length is valid UTF-8 (RFC 6455 §5.6).
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 0x21 + (i % 94);
  return b;
}

function binaryPayload(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

describe("1.1 text messages", () => {
  for (const n of LENGTHS) {
    test(`text, payload length ${n}, one write`, T, async (t) => {
      const c = await srv.connect(t);
      const p = textPayload(n);
      await c.write(text(p));
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.TEXT);
      assert.ok(m.payload.equals(p), `echoed ${m.payload.length} bytes differ from the ${n} sent`);
      await c.expectSilence(20);
    });
  }
  for (const n of [125, 126, 65535, 65536]) {
    test(`text, payload length ${n}, written in 997-byte chunks with delays`, T, async (t) => {
      const c = await srv.connect(t);
      const p = textPayload(n);
      await c.writeChunked(text(p), 997, 1);
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.TEXT);
      assert.ok(m.payload.equals(p));
    });
  }
});

describe("1.2 binary messages", () => {
  for (const n of LENGTHS) {
    test(`binary, payload length ${n}, one write`, T, async (t) => {
      const c = await srv.connect(t);
      const p = binaryPayload(n);
      await c.write(binary(p));
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.BINARY);
      assert.ok(m.payload.equals(p), `echoed ${m.payload.length} bytes differ from the ${n} sent`);
      await c.expectSilence(20);
    });
  }
  for (const n of [125, 126, 65535, 65536]) {
    test(`binary, payload length ${n}, written in 997-byte chunks with delays`, T, async (t) => {
      const c = await srv.connect(t);
      const p = binaryPayload(n);
      await c.writeChunked(binary(p), 997, 1);
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.BINARY);
      assert.ok(m.payload.equals(p));
    });
  }
});

describe("1.3 byte-level splitting and pipelining", () => {
  for (const n of [0, 5, 126, 300, 65536]) {
    test(`binary length ${n}: header written one byte at a time`, T, async (t) => {
      const c = await srv.connect(t);
      const p = binaryPayload(n);
      const f = binary(p);
      // The header is 2 + (0|2|8) + 4 bytes; split it byte by byte, then the rest.
      const hl = 2 + (n < 126 ? 0 : n < 65536 ? 2 : 8) + 4;
      await c.writeChunked(f.subarray(0, hl), 1, 2);
      await c.write(f.subarray(hl));
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.BINARY);
      assert.ok(m.payload.equals(p));
    });
  }

  test("a whole text frame written one byte at a time", T, async (t) => {
    const c = await srv.connect(t);
    const p = Buffer.from("Hello, byte-by-byte world!");
    await c.writeChunked(text(p), 1, 1);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.ok(m.payload.equals(p));
  });

  test("50 small messages in one write are echoed in order", T, async (t) => {
    const c = await srv.connect(t);
    const frames: Buffer[] = [];
    for (let i = 0; i < 50; i++) frames.push(i % 2 ? binary(Buffer.from([i, i, i])) : text(`message ${i}`));
    await c.write(frames);
    for (let i = 0; i < 50; i++) {
      const m = await c.nextMessage();
      if (i % 2) {
        assert.equal(m.opcode, OP.BINARY);
        assert.deepEqual([...m.payload], [i, i, i]);
      } else {
        assert.equal(m.opcode, OP.TEXT);
        assert.equal(m.payload.toString(), `message ${i}`);
      }
    }
  });

  test("frames whose boundaries fall in the middle of TCP writes", T, async (t) => {
    const c = await srv.connect(t);
    const all = Buffer.concat([text("first"), binary(binaryPayload(200)), text("third")]);
    await c.writeChunked(all, 7, 1);
    const a = await c.nextMessage();
    assert.equal(a.opcode, OP.TEXT);
    assert.equal(a.payload.toString(), "first");
    const b = await c.nextMessage();
    assert.equal(b.opcode, OP.BINARY);
    assert.ok(b.payload.equals(binaryPayload(200)));
    const d = await c.nextMessage();
    assert.equal(d.opcode, OP.TEXT);
    assert.equal(d.payload.toString(), "third");
  });

  test("a fixed masking key of all zeros is still a masked frame and is echoed", T, async (t) => {
    // RFC 6455 §5.3: the key is any 32-bit value; zeros are a legal key.
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: "zero key", maskKey: Buffer.alloc(4) }));
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "zero key");
  });
});

describe("1.4 masking and length encoding", () => {
  test("unmasked client frame → close 1002", T, async (t) => {
    // RFC 6455 §5.1: "The server MUST close the connection upon receiving a
    // frame that is not masked" (§7.4.1: 1002 protocol error).
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: "not masked", mask: false }));
    await c.expectClose(1002);
  });

  test("unmasked ping → close 1002 (no pong)", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.PING, payload: "x", mask: false }));
    await c.expectClose(1002);
  });

  test("valid message, then an unmasked frame in the same write: echo, then close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("ok"), encodeFrame({ opcode: OP.BINARY, payload: "bad", mask: false })]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "ok");
    await c.expectClose(1002);
  });

  test("64-bit length with the most significant bit set → close 1002", T, async (t) => {
    // RFC 6455 §5.2: "the most significant bit MUST be 0".
    const c = await srv.connect(t);
    await c.write(
      encodeFrame({ opcode: OP.BINARY, payload: "abc", lengthEncoding: "64", declaredLength: (1n << 63n) | 3n }),
    );
    await c.expectClose(1002);
  });

  test("64-bit length 0xFFFFFFFFFFFFFFFF → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: "", lengthEncoding: "64", declaredLength: 0xffffffffffffffffn }));
    await c.expectClose(1002);
  });
});

describe("1.x server health", () => {
  test("the server is still alive and echoing after this section", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text("still here"));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "still here");
  });
});
