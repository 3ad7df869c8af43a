// Section 9: large messages, in one frame and fragmented (RFC 6455 §5.2
// 64-bit lengths, §5.4 fragmentation). The echo server's message limit is
// 16 MiB, so 16 MiB exactly must still be accepted.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, encodeFrame, fragments } from "./raw-client.ts";

const srv = useEchoServer();
const KiB = 1024;
const MiB = 1024 * KiB;

const SIZES: ReadonlyArray<[string, number]> = [
  ["64 KiB", 64 * KiB],
  ["256 KiB", 256 * KiB],
  ["1 MiB", MiB],
  ["4 MiB", 4 * MiB],
  ["16 MiB", 16 * MiB],
];

function payloadFor(opcode: number, n: number): Buffer {
  if (opcode === OP.TEXT) {
    // Mixed 1-4 byte UTF-8 that never splits a character at the 64 KiB
    // fragment boundaries (the unit is 16 bytes and divides 65536).
    const unit = Buffer.from("ab\u00e9\u20ac\u{1F600}cdefg", "utf8");
    assert.equal(unit.length, 16);
    return Buffer.alloc(n).fill(unit);
  }
  const unit = Buffer.alloc(251);
  for (let i = 0; i < unit.length; i++) unit[i] = (i * 97 + 13) & 0xff;
  return Buffer.alloc(n).fill(unit);
}

for (const [kind, opcode] of [["text", OP.TEXT], ["binary", OP.BINARY]] as const) {
  describe(`9 large ${kind} messages`, () => {
    for (const [label, n] of SIZES) {
      const timeout = n >= 16 * MiB ? 40_000 : 20_000;
      test(`${kind} ${label} in one frame`, { timeout }, async (t) => {
        const c = await srv.connect(t);
        const p = payloadFor(opcode, n);
        const started = performance.now();
        await c.write(encodeFrame({ opcode, payload: p }));
        const m = await c.nextMessage(timeout - 2_000);
        assert.equal(m.opcode, opcode);
        assert.equal(m.payload.length, n);
        assert.ok(m.payload.equals(p), "echoed payload differs");
        t.diagnostic(`${label} round trip ${(performance.now() - started).toFixed(0)} ms`);
      });
      test(`${kind} ${label} in 64 KiB fragments`, { timeout }, async (t) => {
        const c = await srv.connect(t);
        const p = payloadFor(opcode, n);
        const frames = fragments(opcode, p, 64 * KiB);
        assert.equal(frames.length, n / (64 * KiB));
        const started = performance.now();
        await c.write(frames);
        const m = await c.nextMessage(timeout - 2_000);
        assert.equal(m.opcode, opcode);
        assert.equal(m.payload.length, n);
        assert.ok(m.payload.equals(p), "echoed payload differs");
        t.diagnostic(`${label} fragmented round trip ${(performance.now() - started).toFixed(0)} ms`);
      });
    }
  });
}

describe("9.x health", () => {
  test("the server is still alive after the large messages", { timeout: 10_000 }, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.TEXT, payload: "alive" }));
    const m = await c.nextMessage();
    assert.equal(m.payload.toString(), "alive");
  });
});
