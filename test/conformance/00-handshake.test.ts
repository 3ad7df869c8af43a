// HTTP-level opening handshake (RFC 6455 §4.1, §4.2, §4.4).

import { describe, test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { useEchoServer } from "./echo-server.ts";
import { OP, acceptFor, buildRequest, connect, httpExchange, randomKey, text } from "./raw-client.ts";
import type { HandshakeOptions, HttpResponse } from "./raw-client.ts";

const srv = useEchoServer();
const T = { timeout: 10_000 };

async function exchange(t: TestContext, request: string, opts: { chunkSize?: number; chunkDelayMs?: number } = {}): Promise<HttpResponse> {
  const res = await httpExchange(srv.port, request, opts);
  t.after(() => res.socket.destroy());
  return res;
}

function request(opts: HandshakeOptions): string {
  return buildRequest(srv.port, opts).request;
}

function assertVersion13(res: HttpResponse): void {
  // RFC 6455 §4.4: the server "MUST ... send a |Sec-WebSocket-Version| header
  // field ... containing the version(s) the server is capable of understanding".
  const v = res.headers["sec-websocket-version"];
  assert.ok(v !== undefined, `no Sec-WebSocket-Version in:\n${res.rawHead}`);
  assert.ok(v.split(",").map((s) => s.trim()).includes("13"), `Sec-WebSocket-Version is ${JSON.stringify(v)}`);
}

async function assertEchoWorks(t: TestContext, opts: HandshakeOptions): Promise<void> {
  const c = await connect(srv.port, opts);
  t.after(() => c.destroy());
  await c.write(text("handshake ok"));
  const m = await c.nextMessage();
  assert.equal(m.opcode, OP.TEXT);
  assert.equal(m.payload.toString(), "handshake ok");
}

describe("4.2 valid handshakes", () => {
  test("standard handshake → 101 with the right Sec-WebSocket-Accept", T, async (t) => {
    const key = randomKey();
    const res = await exchange(t, request({ key }));
    assert.equal(res.statusCode, 101, res.rawHead);
    // RFC 6455 §4.2.2 step 5.
    assert.equal(res.headers["upgrade"]?.toLowerCase(), "websocket");
    assert.ok((res.headers["connection"] ?? "").toLowerCase().split(",").map((s) => s.trim()).includes("upgrade"));
    assert.equal(res.headers["sec-websocket-accept"], acceptFor(key));
  });

  test("RFC 6455 §1.3 sample key gives the sample accept value", T, async (t) => {
    const key = "dGhlIHNhbXBsZSBub25jZQ==";
    assert.equal(acceptFor(key), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    const res = await exchange(t, request({ key }));
    assert.equal(res.statusCode, 101, res.rawHead);
    assert.equal(res.headers["sec-websocket-accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  test("Connection header as a list: 'keep-alive, Upgrade' → 101 and echo works", T, async (t) => {
    // RFC 6455 §4.2.1 item 4: Connection "includes a token" Upgrade.
    await assertEchoWorks(t, { headers: { Connection: "keep-alive, Upgrade" } });
  });

  test("Upgrade token in other case: 'WebSocket' → 101 and echo works", T, async (t) => {
    // RFC 6455 §4.2.1 item 3: the value is ASCII case-insensitive.
    await assertEchoWorks(t, { headers: { Upgrade: "WebSocket", Connection: "upgrade" } });
  });

  test("header names in odd case → 101", T, async (t) => {
    const key = randomKey();
    const req =
      `GET / HTTP/1.1\r\nhost: 127.0.0.1:${srv.port}\r\nUPGRADE: websocket\r\nconnection: Upgrade\r\n` +
      `sec-websocket-key: ${key}\r\nSEC-WEBSOCKET-VERSION: 13\r\n\r\n`;
    const res = await exchange(t, req);
    assert.equal(res.statusCode, 101, res.rawHead);
    assert.equal(res.headers["sec-websocket-accept"], acceptFor(key));
  });

  test("handshake request written in 5-byte chunks → 101 and echo works", T, async (t) => {
    await assertEchoWorks(t, { chunkSize: 5, chunkDelayMs: 1 });
  });

  test("request with a path and query string → 101", T, async (t) => {
    await assertEchoWorks(t, { path: "/some/path?x=1&y=2" });
  });

  test("extra headers (Origin, User-Agent, offered subprotocol/extension) → 101 without unrequested selections", T, async (t) => {
    const key = randomKey();
    const res = await exchange(
      t,
      request({
        key,
        headers: {
          Origin: "http://127.0.0.1",
          "User-Agent": "conformance-test",
          "Sec-WebSocket-Protocol": "chat, superchat",
          "Sec-WebSocket-Extensions": "x-unknown-extension",
        },
      }),
    );
    assert.equal(res.statusCode, 101, res.rawHead);
    assert.equal(res.headers["sec-websocket-accept"], acceptFor(key));
    // RFC 6455 §4.1: a subprotocol/extension not requested by the client
    // fails the connection; so anything selected must be one of those offered.
    const proto = res.headers["sec-websocket-protocol"];
    if (proto !== undefined) assert.ok(["chat", "superchat"].includes(proto), `server selected ${proto}`);
    const ext = res.headers["sec-websocket-extensions"];
    assert.ok(ext === undefined || ext.startsWith("x-unknown-extension"), `server selected extension ${ext}`);
  });
});

describe("4.2.1 invalid handshakes", () => {
  test("plain GET without Upgrade → 426 with Sec-WebSocket-Version: 13", T, async (t) => {
    const res = await exchange(t, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`);
    assert.equal(res.statusCode, 426, res.rawHead);
    assertVersion13(res);
  });

  test("Sec-WebSocket-Version: 8 → 426 with Sec-WebSocket-Version: 13", T, async (t) => {
    // RFC 6455 §4.2.2 / §4.4: unsupported version → 426 plus the versions supported.
    const res = await exchange(t, request({ headers: { "Sec-WebSocket-Version": "8" } }));
    assert.equal(res.statusCode, 426, res.rawHead);
    assertVersion13(res);
  });

  test("Sec-WebSocket-Version missing → 4xx, not 101", T, async (t) => {
    // RFC 6455 §4.2.1 item 6: the version header is required.
    const res = await exchange(t, request({ headers: { "Sec-WebSocket-Version": null } }));
    assert.ok(res.statusCode === 400 || res.statusCode === 426, `got ${res.statusLine}`);
  });

  test("Sec-WebSocket-Key missing → 400", T, async (t) => {
    // RFC 6455 §4.2.1 item 5.
    const res = await exchange(t, request({ headers: { "Sec-WebSocket-Key": null } }));
    assert.equal(res.statusCode, 400, res.rawHead);
  });

  test("Sec-WebSocket-Key of 15 bytes (base64) → 400", T, async (t) => {
    // RFC 6455 §4.2.1 item 5: "when decoded, is 16 bytes in length".
    const res = await exchange(t, request({ key: randomBytes(15).toString("base64") }));
    assert.equal(res.statusCode, 400, res.rawHead);
  });

  test("Sec-WebSocket-Key of 17 bytes (base64) → 400", T, async (t) => {
    const res = await exchange(t, request({ key: randomBytes(17).toString("base64") }));
    assert.equal(res.statusCode, 400, res.rawHead);
  });

  test("Sec-WebSocket-Key that is 24 characters but not base64 → 400", T, async (t) => {
    const res = await exchange(t, request({ key: "!!!!!!!!!!!!!!!!!!!!!!==" }));
    assert.equal(res.statusCode, 400, res.rawHead);
  });

  test("POST with upgrade headers → 400 or 405", T, async (t) => {
    // RFC 6455 §4.2.1 item 1: the method MUST be GET.
    const req = request({}).replace(/^GET /, "POST ").replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n");
    const res = await exchange(t, req);
    assert.ok(res.statusCode === 400 || res.statusCode === 405, `got ${res.statusLine}`);
  });

  test("Upgrade header with another protocol → not 101", T, async (t) => {
    // RFC 6455 §4.2.1 item 3.
    const res = await exchange(t, request({ headers: { Upgrade: "h2c" } }));
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `got ${res.statusLine}`);
  });

  test("Connection header without the Upgrade token → not 101", T, async (t) => {
    // RFC 6455 §4.2.1 item 4.
    const res = await exchange(t, request({ headers: { Connection: "keep-alive" } }));
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `got ${res.statusLine}`);
  });

  test("Sec-WebSocket-Key sent twice → 400", T, async (t) => {
    // RFC 6455 §11.3.1: Sec-WebSocket-Key "MUST NOT appear more than once".
    const req = request({}).replace("\r\n\r\n", `\r\nSec-WebSocket-Key: ${randomKey()}\r\n\r\n`);
    const res = await exchange(t, req);
    assert.equal(res.statusCode, 400, res.rawHead);
  });

  test("oversized request head (~100 KiB of headers) → refused, not 101", T, async (t) => {
    // RFC 6455 §10.4: servers should bound what they accept. Either a 4xx
    // response or closing the connection is acceptable; hanging is not.
    const filler = Array.from({ length: 100 }, (_, i) => `X-Filler-${i}: ${"a".repeat(1000)}\r\n`).join("");
    const req = request({}).replace("\r\n\r\n", `\r\n${filler}\r\n`);
    const res = await httpExchange(srv.port, req).catch((e: unknown) => e as Error);
    if (res instanceof Error) {
      assert.match(res.message, /closed|reset|ECONNRESET|EPIPE/i);
      return;
    }
    t.after(() => res.socket.destroy());
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `got ${res.statusLine}`);
  });

  test("missing Host header → 400", T, async (t) => {
    // RFC 6455 §4.2.1 item 2.
    const res = await exchange(t, request({ headers: { Host: null } }));
    assert.equal(res.statusCode, 400, res.rawHead);
  });

  test("HTTP/1.0 request → not 101", T, async (t) => {
    // RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
    const res = await exchange(t, request({}).replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n"));
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `got ${res.statusLine}`);
  });

  test("garbage instead of an HTTP request → 400 (or the connection is closed)", T, async (t) => {
    const res = await httpExchange(srv.port, "\x16\x03\x01 not http at all\r\n\r\n").catch((e: unknown) => e as Error);
    if (res instanceof Error) {
      assert.match(res.message, /closed|reset|ECONNRESET/i);
      return;
    }
    t.after(() => res.socket.destroy());
    assert.equal(res.statusCode, 400, res.rawHead);
  });

  test("the server still accepts connections after the bad requests", T, async (t) => {
    await assertEchoWorks(t, {});
  });
});
