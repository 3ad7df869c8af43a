// Section 5: fragmentation (RFC 6455 §5.4).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, binary, close, cont, describeFrame, encodeFrame, fragments, ping, pong, text } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };

describe("5.1 well-formed fragmented messages are echoed as one message", () => {
  test("text in 2 fragments", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("fragment1", { fin: false }), cont("fragment2")]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "fragment1fragment2");
  });

  test("binary in 3 fragments", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([binary(Buffer.from([1, 2]), { fin: false }), cont(Buffer.from([3]), { fin: false }), cont(Buffer.from([4, 5, 0xff]))]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.BINARY);
    assert.deepEqual([...m.payload], [1, 2, 3, 4, 5, 0xff]);
  });

  test("text in 2 fragments, each in its own write with a delay", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text("slow-", { fin: false }));
    await new Promise((r) => setTimeout(r, 50));
    // Nothing may be delivered before the final fragment (RFC 6455 §5.4).
    await c.expectSilence(10);
    await c.write(cont("fragments"));
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "slow-fragments");
  });

  test("text with empty fragments (first, middle and last)", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("", { fin: false }), cont("abc", { fin: false }), cont("", { fin: false }), cont("def", { fin: false }), cont("")]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "abcdef");
  });

  test("empty text message in 3 empty fragments → empty text", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("", { fin: false }), cont("", { fin: false }), cont("")]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.length, 0);
  });

  test("fragmented text written in 1-byte chunks", T, async (t) => {
    const c = await srv.connect(t);
    await c.writeChunked([text("chop", { fin: false }), cont("ped")], 1, 1);
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "chopped");
  });

  test("two fragmented messages back to back", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([...fragments(OP.TEXT, "first message", 4), ...fragments(OP.BINARY, Buffer.from("second message"), 5)]);
    const a = await c.nextMessage();
    assert.equal(a.opcode, OP.TEXT);
    assert.equal(a.payload.toString(), "first message");
    const b = await c.nextMessage();
    assert.equal(b.opcode, OP.BINARY);
    assert.equal(b.payload.toString(), "second message");
  });
});

describe("5.2 control frames in the middle of a fragmented message", () => {
  test("ping between fragments → pong first, then the whole message", T, async (t) => {
    // RFC 6455 §5.4: control frames MAY be injected in the middle of a
    // fragmented message, and an endpoint MUST be capable of handling them.
    const c = await srv.connect(t);
    await c.write([text("fragment1", { fin: false }), ping("in the middle"), cont("fragment2")]);
    const p = await c.nextFrame();
    assert.equal(p.opcode, OP.PONG, `expected pong, got ${describeFrame(p)}`);
    assert.equal(p.payload.toString(), "in the middle");
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "fragment1fragment2");
  });

  test("ping between fragments sent in separate writes: pong arrives before the message ends", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(binary(Buffer.from("part1"), { fin: false }));
    await c.write(ping("mid"));
    const p = await c.nextFrame();
    assert.equal(p.opcode, OP.PONG);
    assert.equal(p.payload.toString(), "mid");
    await c.write(cont(Buffer.from("part2")));
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.BINARY);
    assert.equal(m.payload.toString(), "part1part2");
  });

  test("pong between fragments is ignored, message still echoed", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("a", { fin: false }), pong("ignored"), cont("b", { fin: false }), cont("c")]);
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "abc");
    await c.expectSilence(30);
  });

  test("several pings between many fragments, written in chunks", T, async (t) => {
    const c = await srv.connect(t);
    const frames: Buffer[] = [];
    const parts = ["one", "two", "three", "four"];
    parts.forEach((p, i) => {
      frames.push(i === 0 ? text(p, { fin: false }) : cont(p, { fin: i === parts.length - 1 }));
      if (i < parts.length - 1) frames.push(ping(`p${i}`));
    });
    await c.writeChunked(frames, 3, 1);
    for (let i = 0; i < 3; i++) {
      const f = await c.nextFrame();
      assert.equal(f.opcode, OP.PONG);
      assert.equal(f.payload.toString(), `p${i}`);
    }
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "onetwothreefour");
  });
});

describe("5.3 invalid fragmentation → close 1002", () => {
  test("continuation frame (fin=1) with no message started", T, async (t) => {
    // RFC 6455 §5.4: a fragmented message starts with a non-zero opcode.
    const c = await srv.connect(t);
    await c.write(cont("orphan"));
    await c.expectClose(1002);
  });

  test("continuation frame (fin=0) with no message started", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(cont("orphan", { fin: false }));
    await c.expectClose(1002);
  });

  test("continuation after a complete (fin=1) message", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("complete"), cont("orphan")]);
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "complete");
    await c.expectClose(1002);
  });

  test("new text frame while a fragmented text message is open", T, async (t) => {
    // RFC 6455 §5.4: fragments of one message MUST NOT be interleaved.
    const c = await srv.connect(t);
    await c.write([text("open", { fin: false }), text("new")]);
    await c.expectClose(1002);
  });

  test("new binary frame (fin=0) while a fragmented text message is open", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("open", { fin: false }), binary(Buffer.from("x"), { fin: false })]);
    await c.expectClose(1002);
  });

  test("new text frame while a fragmented binary message is open, in separate writes", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(binary(Buffer.from("open"), { fin: false }));
    await c.expectSilence(30);
    await c.write(text("interleaved"));
    await c.expectClose(1002);
  });

  test("fragmented ping (fin=0) → close 1002", T, async (t) => {
    // RFC 6455 §5.5: "Control frames themselves MUST NOT be fragmented."
    const c = await srv.connect(t);
    await c.write([ping("frag", { fin: false }), cont("mented")]);
    await c.expectClose(1002);
  });

  test("fragmented pong (fin=0) → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([pong("frag", { fin: false }), cont("mented")]);
    await c.expectClose(1002);
  });

  test("fragmented close (fin=0) → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.CLOSE, fin: false, payload: Buffer.from([0x03, 0xe8]) }));
    await c.expectClose(1002);
  });

  test("fragmented ping in the middle of a fragmented text message → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("a", { fin: false }), ping("x", { fin: false }), cont("b")]);
    await c.expectClose(1002);
  });
});

describe("5.4 many fragments", () => {
  test("text message in 1000 fragments", T, async (t) => {
    const c = await srv.connect(t);
    const payload = Buffer.alloc(1000 * 3);
    for (let i = 0; i < payload.length; i++) payload[i] = 0x41 + (i % 26);
    await c.write(fragments(OP.TEXT, payload, 3));
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.ok(m.payload.equals(payload));
  });

  test("binary message in 65536 fragments of 1 byte", { timeout: 30_000 }, async (t) => {
    const c = await srv.connect(t);
    const payload = Buffer.alloc(65536);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 13) & 0xff;
    const frames = fragments(OP.BINARY, payload, 1);
    assert.equal(frames.length, 65536);
    await c.write(frames);
    const m = await c.nextMessage(20_000);
    assert.equal(m.opcode, OP.BINARY);
    assert.ok(m.payload.equals(payload), `echo of ${m.payload.length} bytes differs`);
  });

  test("text message in 65536 fragments of 1 byte", { timeout: 30_000 }, async (t) => {
    const c = await srv.connect(t);
    const payload = Buffer.alloc(65536, "z");
    await c.write(fragments(OP.TEXT, payload, 1));
    const m = await c.nextMessage(20_000);
    assert.equal(m.opcode, OP.TEXT);
    assert.ok(m.payload.equals(payload));
  });
});

describe("5.5 health", () => {
  test("the server is still alive and echoing", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("alive"), close(1000)]);
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "alive");
    await c.expectClose(1000);
  });
});
