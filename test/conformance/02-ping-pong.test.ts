// Section 2: ping and pong (RFC 6455 §5.5.2, §5.5.3).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useEchoServer } from "./echo-server.ts";
import { OP, describeFrame, encodeFrame, ping, pong, text } from "./raw-client.ts";
import type { WsRawClient } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };

async function expectPong(c: WsRawClient, payload: Buffer): Promise<void> {
  const f = await c.nextFrame();
  // RFC 6455 §5.5.3: the Pong carries the "exact same Application data as
  // found in the message body of the Ping frame being replied to".
  assert.equal(f.opcode, OP.PONG, `expected a pong, got ${describeFrame(f)}`);
  assert.equal(f.fin, true);
  assert.ok(f.payload.equals(payload), `pong payload 0x${f.payload.toString("hex")} != ping payload 0x${payload.toString("hex")}`);
}

function bytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
}

describe("2 ping / pong", () => {
  test("2.1 ping without payload → empty pong", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(ping());
    await expectPong(c, Buffer.alloc(0));
    await c.expectSilence(20);
  });

  test("2.2 ping with a short text payload → pong with the same payload", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(ping("Hello, ping"));
    await expectPong(c, Buffer.from("Hello, ping"));
  });

  test("2.3 ping with binary payload (all bytes) → identical pong", T, async (t) => {
    const c = await srv.connect(t);
    const p = Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x80, 0x7f, 0xc0, 0xed, 0xa0, 0x80]);
    await c.write(ping(p));
    await expectPong(c, p);
  });

  test("2.4 ping with 125-byte payload (maximum) → identical pong", T, async (t) => {
    // RFC 6455 §5.5: control frames carry at most 125 bytes.
    const c = await srv.connect(t);
    await c.write(ping(bytes(125)));
    await expectPong(c, bytes(125));
  });

  test("2.5 ping with 126-byte payload → close 1002, no pong", T, async (t) => {
    // RFC 6455 §5.5: "All control frames MUST have a payload length of 125
    // bytes or less"; violation => protocol error (§7.4.1: 1002).
    const c = await srv.connect(t);
    await c.write(ping(bytes(126)));
    await c.expectClose(1002);
  });

  test("2.5b ping with a 64-bit length and 65536-byte payload → close 1002", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(encodeFrame({ opcode: OP.PING, payload: bytes(65536), lengthEncoding: "64" }));
    await c.expectClose(1002);
  });

  test("2.6 ping with 125-byte payload written in 1-byte chunks → identical pong", T, async (t) => {
    const c = await srv.connect(t);
    await c.writeChunked(ping(bytes(125)), 1, 1);
    await expectPong(c, bytes(125));
  });

  test("2.7 unsolicited pong without payload is ignored", T, async (t) => {
    // RFC 6455 §5.5.3: "A response to an unsolicited Pong frame is not expected."
    const c = await srv.connect(t);
    await c.write(pong());
    await c.expectSilence(100);
    await c.write(text("after pong"));
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "after pong");
  });

  test("2.8 unsolicited pong with payload is ignored", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([pong("unsolicited"), text("next")]);
    // The only frame back must be the echo of "next".
    const m = await c.nextMessage();
    assert.equal(m.opcode, OP.TEXT);
    assert.equal(m.payload.toString(), "next");
    await c.expectSilence(50);
  });

  test("2.9 unsolicited pong, then ping → only the pong for the ping", T, async (t) => {
    const c = await srv.connect(t);
    await c.write([pong("unsolicited"), ping("solicited")]);
    await expectPong(c, Buffer.from("solicited"));
    await c.expectSilence(50);
  });

  test("2.10 ten pings in a row, each after the previous pong → ten pongs", T, async (t) => {
    const c = await srv.connect(t);
    for (let i = 0; i < 10; i++) {
      const p = Buffer.from(`payload-${i}`);
      await c.write(ping(p));
      await expectPong(c, p);
    }
  });

  test("2.11 ten pings in one write → pongs in order, ending with the last ping", T, async (t) => {
    // RFC 6455 §5.5.3: if earlier pings are still unanswered the endpoint MAY
    // answer only the most recently processed one; so we accept any ordered
    // subsequence of the payloads that ends with the last ping's payload.
    const c = await srv.connect(t);
    const payloads = Array.from({ length: 10 }, (_, i) => `payload-${i}`);
    await c.write(payloads.map((p) => ping(p)));
    // A trailing text message tells us when the server is done with the pings.
    await c.write(text("end"));
    const got: string[] = [];
    for (let i = 0; i < 11; i++) {
      const f = await c.nextFrame();
      if (f.opcode === OP.TEXT) {
        assert.equal(f.payload.toString(), "end");
        break;
      }
      assert.equal(f.opcode, OP.PONG, `expected a pong, got ${describeFrame(f)}`);
      got.push(f.payload.toString());
    }
    assert.ok(got.length >= 1, "no pong at all");
    assert.equal(got[got.length - 1], "payload-9", `last pong must answer the last ping; got ${JSON.stringify(got)}`);
    let j = 0;
    for (const g of got) {
      while (j < payloads.length && payloads[j] !== g) j++;
      assert.ok(j < payloads.length, `pongs out of order or unknown payloads: ${JSON.stringify(got)}`);
      j++;
    }
    t.diagnostic(`server answered ${got.length} of 10 pipelined pings`);
  });

  test("2.12 ping with RSV1 set → close 1002 (no pong)", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(ping("rsv", { rsv: 4 }));
    await c.expectClose(1002);
  });

  test("2.13 pong with 126-byte payload → close 1002", T, async (t) => {
    // RFC 6455 §5.5 applies to every control frame, pongs included.
    const c = await srv.connect(t);
    await c.write(pong(bytes(126)));
    await c.expectClose(1002);
  });

  test("2.14 the server is still alive and answering pings", T, async (t) => {
    const c = await srv.connect(t);
    await c.write(ping("alive?"));
    await expectPong(c, Buffer.from("alive?"));
  });
});
