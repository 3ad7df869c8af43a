// Section 6: UTF-8 handling of text messages. RFC 6455 §5.6: text data is
// UTF-8; §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but
// finds that the byte stream is not, in fact, a valid UTF-8 stream, that
// endpoint MUST _Fail the WebSocket Connection_" — code 1007 (§7.4.1).
// Validity is as defined by RFC 3629 (no overlongs, no surrogates, nothing
// above U+10FFFF).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { useEchoServer } from "./echo-server.ts";
import { OP, cont, encodeFrame, fragments, text } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");
const KOSME = hex("ce ba e1 bd b9 cf 83 ce bc ce b5"); // Greek "kosme"

const VALID: ReadonlyArray<[string, Buffer]> = [
  ["Greek 'kosme'", KOSME],
  ["mixed Latin-1 and ASCII", Buffer.from("Hello-µ@ßöäüàá-UTF-8!!")],
  ["first 1-byte sequence U+0000", hex("00")],
  ["first 2-byte sequence U+0080", hex("c2 80")],
  ["first 3-byte sequence U+0800", hex("e0 a0 80")],
  ["first 4-byte sequence U+10000", hex("f0 90 80 80")],
  ["last 1-byte sequence U+007F", hex("7f")],
  ["last 2-byte sequence U+07FF", hex("df bf")],
  ["last 3-byte sequence U+FFFF", hex("ef bf bf")],
  ["last code point U+10FFFF", hex("f4 8f bf bf")],
  ["U+D7FF (just below the surrogates)", hex("ed 9f bf")],
  ["U+E000 (just above the surrogates)", hex("ee 80 80")],
  ["U+FFFD replacement character", hex("ef bf bd")],
  ["U+FFFE noncharacter (valid UTF-8)", hex("ef bf be")],
  ["U+FDD0 noncharacter (valid UTF-8)", hex("ef b7 90")],
  ["U+1FFFE / U+10FFFE noncharacters", hex("f0 9f bf be f4 8f bf be")],
  ["emoji U+1F600 and CJK", Buffer.from("\u{1F600} 日本語 \u{1F680}")],
  ["all 1-4 byte forms in one message", hex("41 c3 a9 e2 82 ac f0 9d 84 9e 7a")],
];

const INVALID: ReadonlyArray<[string, Buffer]> = [
  // Unexpected continuation bytes.
  ["lone continuation 0x80", hex("80")],
  ["lone continuation 0xBF", hex("bf")],
  ["two continuations 80 BF", hex("80 bf")],
  ["continuation after ASCII", hex("41 80 42")],
  ["continuation after a complete 2-byte char", hex("c3 a9 80")],
  // Start bytes not followed by continuations.
  ["2-byte start then space", hex("c2 20")],
  ["3-byte start then space", hex("e1 20 20")],
  ["4-byte start then space", hex("f1 20 20 20")],
  // Sequences truncated at the end of the message.
  ["truncated 2-byte (c2)", hex("c2")],
  ["truncated 3-byte (e0 a0)", hex("e0 a0")],
  ["truncated 3-byte (ef bf)", hex("ef bf")],
  ["truncated 4-byte (f0 90 80)", hex("f0 90 80")],
  ["truncated 4-byte (f4 8f bf)", hex("f4 8f bf")],
  ["kosme then truncated 3-byte", Buffer.concat([KOSME, hex("e1 bd")])],
  ["truncated 3-byte in the middle", hex("41 e1 80 41")],
  // Bytes that never appear in UTF-8.
  ["0xC0 alone", hex("c0")],
  ["0xC1 alone", hex("c1")],
  ["0xF5", hex("f5 80 80 80")],
  ["0xF7 (would be U+1FFFFF)", hex("f7 bf bf bf")],
  ["0xF8 5-byte form", hex("f8 88 80 80 80")],
  ["0xFC 6-byte form", hex("fc 84 80 80 80 80")],
  ["0xFE", hex("fe")],
  ["0xFF", hex("ff")],
  ["FE FE FF FF", hex("fe fe ff ff")],
  ["0xFF after valid text", Buffer.concat([KOSME, hex("ff")])],
  // Overlong encodings.
  ["overlong '/' in 2 bytes (c0 af)", hex("c0 af")],
  ["overlong '/' in 3 bytes (e0 80 af)", hex("e0 80 af")],
  ["overlong '/' in 4 bytes (f0 80 80 af)", hex("f0 80 80 af")],
  ["overlong NUL in 2 bytes (c0 80)", hex("c0 80")],
  ["overlong NUL in 3 bytes (e0 80 80)", hex("e0 80 80")],
  ["overlong NUL in 4 bytes (f0 80 80 80)", hex("f0 80 80 80")],
  ["maximal overlong 2-byte U+007F (c1 bf)", hex("c1 bf")],
  ["maximal overlong 3-byte U+07FF (e0 9f bf)", hex("e0 9f bf")],
  ["maximal overlong 4-byte U+FFFF (f0 8f bf bf)", hex("f0 8f bf bf")],
  // UTF-16 surrogates encoded as UTF-8.
  ["surrogate U+D800", hex("ed a0 80")],
  ["surrogate U+DB7F", hex("ed ad bf")],
  ["surrogate U+DB80", hex("ed ae 80")],
  ["surrogate U+DBFF", hex("ed af bf")],
  ["surrogate U+DC00", hex("ed b0 80")],
  ["surrogate U+DF80", hex("ed be 80")],
  ["surrogate U+DFFF", hex("ed bf bf")],
  ["surrogate pair U+D800 U+DC00", hex("ed a0 80 ed b0 80")],
  ["surrogate pair U+DBFF U+DFFF", hex("ed af bf ed bf bf")],
  ["kosme, surrogate, then ASCII", Buffer.concat([KOSME, hex("ed a0 80"), Buffer.from("edited")])],
  // Beyond U+10FFFF.
  ["U+110000 (f4 90 80 80)", hex("f4 90 80 80")],
  ["U+13FFFF (f4 bf bf bf)", hex("f4 bf bf bf")],
];

describe("6.1 valid UTF-8 is echoed exactly", () => {
  test("empty text message", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text(""));
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.length, 0);
  });
  for (const [name, bytes] of VALID) {
    test(`${name} (${bytes.toString("hex")})`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write(text(bytes));
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.TEXT);
      assert.equal(m.payload.toString("hex"), bytes.toString("hex"));
    });
  }
  test("all valid vectors on one connection, each fragmented into 1-byte frames", T, async (t) => {
    const c = await srv.connect(t);
    for (const [, bytes] of VALID) await c.write(fragments(OP.TEXT, bytes, 1));
    for (const [name, bytes] of VALID) {
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.TEXT, name);
      assert.equal(m.payload.toString("hex"), bytes.toString("hex"), name);
    }
  });
});

describe("6.2 invalid UTF-8 → close 1007", () => {
  for (const [name, bytes] of INVALID) {
    test(`${name} (${bytes.toString("hex")})`, T, async (t) => {
      const c = await srv.connect(t);
      await c.write(text(bytes));
      await c.expectClose(1007);
    });
  }
  test("invalid vectors split into 1-byte fragments are still rejected (surrogate U+D800)", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(fragments(OP.TEXT, hex("ed a0 80"), 1));
    await c.expectClose(1007);
  });
  test("invalid vector split into 1-byte fragments (overlong c0 af)", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(fragments(OP.TEXT, hex("c0 af"), 1));
    await c.expectClose(1007);
  });
  test("truncated sequence at the end of a fragmented message (…e2 82 | fin)", T, async (t) => {
    // Each fragment alone is a valid prefix; only the message end reveals the error.
    const c = await srv.connect(t);
    await c.write([text(hex("41 e2"), { fin: false }), cont(hex("82"))]);
    await c.expectClose(1007);
  });
  test("invalid sequence (U+110000) inside one frame written in 1-byte TCP chunks", T, async (t) => {
    const c = await srv.connect(t);
    await c.writeChunked(text(Buffer.concat([Buffer.from("abc"), hex("f4 90 80 80"), Buffer.from("def")])), 1, 1).catch(() => {});
    await c.expectClose(1007);
  });
  test("invalid sequence after a ping between fragments", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("ok ", { fin: false }), encodeFrame({ opcode: OP.PING, payload: "p" }), cont(hex("c1 bf"))]);
    const p = await c.nextFrame();
    assert.equal(p.opcode, OP.PONG);
    await c.expectClose(1007);
  });
  test("binary messages are not UTF-8 validated", T, async (t) => {
    // RFC 6455 §5.6: binary data is interpreted by the application only.
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.BINARY, payload: hex("ed a0 80 c0 af ff fe") }));
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.BINARY);
    assert.equal(m.payload.toString("hex"), "eda080c0affffe");
  });
});

describe("6.3 code points split across fragments", () => {
  const cases: ReadonlyArray<[string, Buffer, number[]]> = [
    ["2-byte U+03BA split 1|1", hex("ce ba"), [1]],
    ["3-byte U+20AC split 1|2", hex("e2 82 ac"), [1]],
    ["3-byte U+20AC split 2|1", hex("e2 82 ac"), [2]],
    ["4-byte U+1F600 split 1|3", hex("f0 9f 98 80"), [1]],
    ["4-byte U+1F600 split 2|2", hex("f0 9f 98 80"), [2]],
    ["4-byte U+1F600 split 3|1", hex("f0 9f 98 80"), [3]],
    ["4-byte U+10FFFF split 1|1|1|1", hex("f4 8f bf bf"), [1, 2, 3]],
    ["kosme split inside every character", KOSME, [1, 3, 4, 6, 8, 10]],
  ];
  for (const [name, bytes, cuts] of cases) {
    test(`${name} is accepted and echoed`, T, async (t) => {
      const c = await srv.connect(t);
      const bounds = [0, ...cuts, bytes.length];
      const frames: Buffer[] = [];
      for (let i = 0; i < bounds.length - 1; i++) {
        const part = bytes.subarray(bounds[i], bounds[i + 1]);
        frames.push(i === 0 ? text(part, { fin: false }) : cont(part, { fin: i === bounds.length - 2 }));
      }
      await c.write(frames);
      const m = await c.nextMessage();
      assert.equal(m.opcode, OP.TEXT);
      assert.equal(m.payload.toString("hex"), bytes.toString("hex"));
    });
  }
  test("a long valid multi-byte message written in 1-byte TCP chunks", T, async (t) => {
    const c = await srv.connect(t);
    const bytes = Buffer.from("Καλημέρα κόσμε — こんにちは世界 — \u{1F30D}\u{1F30E}\u{1F30F}");
    await c.writeChunked(text(bytes), 1, 0);
    const m = await c.nextMessage();
    assert.equal(m.payload.toString("hex"), bytes.toString("hex"));
  });
});

describe("6.4 invalid data in a later fragment, and fail-fast", () => {
  test("valid text in fragment 1, invalid in fragment 2 → close 1007", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text(KOSME, { fin: false }), cont(hex("f4 90 80 80"), { fin: false }), cont("tail")]);
    await c.expectClose(1007);
  });

  test("valid text in fragment 1, invalid in the final fragment 2 → close 1007", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([text("hello ", { fin: false }), cont(hex("ed a0 80"))]);
    await c.expectClose(1007);
  });

  test("FAIL-FAST: invalid bytes at the start of a long frame that is still arriving", T, async (t) => {
    // The header announces 64 KiB; we send the header and only the first
    // bytes, which are already invalid (U+110000), and wait.
    const c = await srv.connect(t);
    const prefix = Buffer.concat([KOSME, hex("f4 90 80 80"), Buffer.from("edited")]);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: prefix, declaredLength: 65536 }));
    await sleep(50);
    await c.expectClose(1007, { timeoutMs: 3_000 });
  });

  test("FAIL-FAST: invalid first byte (0xC0) of a 1 MiB frame, rest never sent", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: hex("c0 af 41 41"), declaredLength: 1 << 20 }));
    await c.expectClose(1007, { timeoutMs: 3_000 });
  });

  test("FAIL-FAST: valid fragment 1, then a long fragment 2 whose first bytes are invalid, rest never sent", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text(KOSME, { fin: false }));
    await c.write(encodeFrame({ opcode: OP.CONT, payload: hex("ed a0 80 41 41 41"), declaredLength: 65536 }));
    await c.expectClose(1007, { timeoutMs: 3_000 });
  });

  test("FAIL-FAST: complete non-final fragment ending in a definitely-invalid sequence (ed a0), message never finished", T, async (t) => {
    // 0xED followed by 0xA0 can never start a valid sequence (it would be a
    // surrogate), so the error is known without seeing the next fragment.
    const c = await srv.connect(t);
    await c.write(text(Buffer.concat([KOSME, hex("ed a0")]), { fin: false }));
    await c.expectClose(1007, { timeoutMs: 3_000 });
  });

  test("partial valid prefix at the end of a non-final fragment is NOT an error", T, async (t) => {
    // "e2 82" is the valid start of U+20AC; the connection must stay open.
    const c = await srv.connect(t);
    await c.write(text(hex("41 e2 82"), { fin: false }));
    await c.expectSilence(150);
    await c.write(cont(hex("ac 42")));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString("hex"), "41e282ac42");
  });
});

describe("6.5 health", () => {
  test("the server is still alive and echoing", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(text(KOSME));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString("hex"), KOSME.toString("hex"));
  });
});
