// The opening handshake (RFC 6455 §4): Sec-WebSocket-Accept, checking the
// client's upgrade request (§4.2.1) and the HTTP responses (§4.2.2).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import {
  acceptKey,
  acceptResponse,
  checkUpgradeRequest,
  errorResponse,
  generateKey,
  type HandshakeOptions,
} from '../../lib/websocket/handshake.ts';

const T = { timeout: 10_000 };
const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='; // RFC 6455 §1.3

interface FakeRequest {
  method?: string;
  url?: string;
  httpVersionMajor?: number;
  httpVersionMinor?: number;
  headers?: Record<string, string | undefined>;
  /** Header names to leave out of the default set. */
  without?: string[];
}

/** An IncomingMessage-like object: only what checkUpgradeRequest reads (headers are lower-case, as Node gives them). */
function req(o: FakeRequest = {}): IncomingMessage {
  const headers: Record<string, string> = {
    host: 'example.com',
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': KEY,
    'sec-websocket-version': '13',
  };
  for (const name of o.without ?? []) delete headers[name];
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const fake = {
    method: o.method ?? 'GET',
    url: o.url ?? '/chat',
    httpVersionMajor: o.httpVersionMajor ?? 1,
    httpVersionMinor: o.httpVersionMinor ?? 1,
    httpVersion: `${o.httpVersionMajor ?? 1}.${o.httpVersionMinor ?? 1}`,
    headers,
  };
  return fake as unknown as IncomingMessage;
}

function status(r: IncomingMessage, options?: HandshakeOptions): number {
  const result = checkUpgradeRequest(r, options);
  return result.ok ? 101 : result.status;
}

describe('acceptKey (RFC 6455 §1.3, §4.2.2 step 5.4)', () => {
  test('the §1.3 example', T, () => {
    assert.equal(acceptKey(KEY), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
  test('generateKey: base64 of 16 random bytes, different each time (§4.1)', T, () => {
    const a = generateKey();
    const b = generateKey();
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    assert.equal(Buffer.from(a, 'base64').length, 16);
    assert.notEqual(a, b);
    assert.equal(checkUpgradeRequest(req({ headers: { 'sec-websocket-key': a } })).ok, true);
  });
});

describe('checkUpgradeRequest (RFC 6455 §4.2.1)', () => {
  test('a well-formed request is accepted, with the key and no protocol', T, () => {
    assert.deepEqual(checkUpgradeRequest(req()), { ok: true, key: KEY, protocol: undefined });
  });

  test('the method must be GET (§4.2.1 item 1)', T, () => {
    assert.equal(status(req({ method: 'POST' })), 400);
    assert.equal(status(req({ method: 'get' })), 400, 'methods are case-sensitive');
    assert.equal(status(req({ method: 'HEAD' })), 400);
  });

  test('HTTP/1.1 or higher (§4.2.1 item 1)', T, () => {
    assert.equal(status(req({ httpVersionMajor: 1, httpVersionMinor: 0 })), 400);
    assert.equal(status(req({ httpVersionMajor: 0, httpVersionMinor: 9 })), 400);
    assert.equal(status(req({ httpVersionMajor: 1, httpVersionMinor: 1 })), 101);
    assert.equal(status(req({ httpVersionMajor: 2, httpVersionMinor: 0 })), 101);
  });

  test('Host is required (§4.2.1 item 2)', T, () => {
    assert.equal(status(req({ without: ['host'] })), 400);
    assert.equal(status(req({ headers: { host: '' } })), 400);
  });

  test('Upgrade must contain websocket, case-insensitively (§4.2.1 item 3)', T, () => {
    assert.equal(status(req({ without: ['upgrade'] })), 400);
    assert.equal(status(req({ headers: { upgrade: 'h2c' } })), 400);
    assert.equal(status(req({ headers: { upgrade: 'websocketx' } })), 400);
    assert.equal(status(req({ headers: { upgrade: 'WebSocket' } })), 101);
    assert.equal(status(req({ headers: { upgrade: 'WEBSOCKET' } })), 101);
    assert.equal(status(req({ headers: { upgrade: 'h2c, websocket' } })), 101);
    assert.equal(status(req({ headers: { upgrade: 'websocket , foo' } })), 101);
  });

  test('Connection must contain the Upgrade token (§4.2.1 item 4)', T, () => {
    assert.equal(status(req({ without: ['connection'] })), 400);
    assert.equal(status(req({ headers: { connection: 'keep-alive' } })), 400);
    assert.equal(status(req({ headers: { connection: 'keep-alive, Upgrade' } })), 101);
    assert.equal(status(req({ headers: { connection: 'upgrade' } })), 101);
    assert.equal(status(req({ headers: { connection: 'Keep-Alive,UPGRADE' } })), 101);
  });

  test('Sec-WebSocket-Version must be 13, else 426 naming 13 (§4.2.1 item 6, §4.2.2)', T, () => {
    for (const headers of [{ 'sec-websocket-version': '8' }, { 'sec-websocket-version': '12' }, { 'sec-websocket-version': '14' }]) {
      const r = checkUpgradeRequest(req({ headers }));
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.status, 426);
        assert.deepEqual(r.headers, { 'Sec-WebSocket-Version': '13' });
      }
    }
    const missing = checkUpgradeRequest(req({ without: ['sec-websocket-version'] }));
    assert.equal(missing.ok, false);
    if (!missing.ok) {
      assert.equal(missing.status, 426);
      assert.deepEqual(missing.headers, { 'Sec-WebSocket-Version': '13' });
    }
  });

  test('Sec-WebSocket-Key must be base64 of exactly 16 bytes (§4.2.1 item 5)', T, () => {
    const b64 = (n: number): string => Buffer.alloc(n, 0x5a).toString('base64');
    assert.equal(status(req({ headers: { 'sec-websocket-key': b64(16) } })), 101);
    assert.equal(status(req({ headers: { 'sec-websocket-key': b64(15) } })), 400, '15 bytes');
    assert.equal(status(req({ headers: { 'sec-websocket-key': b64(17) } })), 400, '17 bytes');
    assert.equal(status(req({ headers: { 'sec-websocket-key': b64(32) } })), 400, '32 bytes');
    assert.equal(status(req({ headers: { 'sec-websocket-key': '' } })), 400, 'empty');
    assert.equal(status(req({ without: ['sec-websocket-key'] })), 400, 'missing');
    assert.equal(status(req({ headers: { 'sec-websocket-key': 'not base64 at all!!!!!==' } })), 400, 'not base64');
    assert.equal(status(req({ headers: { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ' } })), 400, 'padding missing');
    assert.equal(status(req({ headers: { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ-_' } })), 400, 'base64url alphabet');
    // Optional whitespace around a header value is not part of it (RFC 7230 §3.2).
    const padded = checkUpgradeRequest(req({ headers: { 'sec-websocket-key': ` ${KEY} ` } }));
    assert.deepEqual(padded, { ok: true, key: KEY, protocol: undefined });
  });

  test('paths: other paths → 404, the query string is ignored', T, () => {
    const paths = ['/chat', '/ws'];
    assert.equal(status(req({ url: '/chat' }), { paths }), 101);
    assert.equal(status(req({ url: '/ws' }), { paths }), 101);
    assert.equal(status(req({ url: '/chat?room=1&x=/other' }), { paths }), 101);
    assert.equal(status(req({ url: '/ws?' }), { paths }), 101);
    assert.equal(status(req({ url: '/other' }), { paths }), 404);
    assert.equal(status(req({ url: '/chat/' }), { paths }), 404);
    assert.equal(status(req({ url: '/' }), { paths }), 404);
    assert.equal(status(req({ url: '/other?/chat' }), { paths }), 404);
    assert.equal(status(req({ url: '/anything' })), 101, 'no paths option: any path');
  });

  test('allowOrigin: refusing → 403; it sees the Origin (or undefined) and the request (§10.2)', T, () => {
    const seen: (string | undefined)[] = [];
    const allowOrigin = (origin: string | undefined, r: IncomingMessage): boolean => {
      seen.push(origin);
      assert.equal(typeof r.headers, 'object');
      return origin === 'https://good.example';
    };
    assert.equal(status(req({ headers: { origin: 'https://good.example' } }), { allowOrigin }), 101);
    assert.equal(status(req({ headers: { origin: 'https://evil.example' } }), { allowOrigin }), 403);
    assert.equal(status(req(), { allowOrigin }), 403);
    assert.deepEqual(seen, ['https://good.example', 'https://evil.example', undefined]);
  });

  test('selectProtocol picks one of the offered subprotocols; one not offered is ignored (§4.2.2 step 5.5)', T, () => {
    const offered: string[][] = [];
    const pick =
      (choice: string | undefined) =>
      (list: readonly string[]): string | undefined => {
        offered.push([...list]);
        return choice;
      };
    const headers = { 'sec-websocket-protocol': 'chat.v2, chat.v1 ,superchat' };
    assert.deepEqual(checkUpgradeRequest(req({ headers }), { selectProtocol: pick('chat.v1') }), {
      ok: true,
      key: KEY,
      protocol: 'chat.v1',
    });
    assert.deepEqual(offered[0], ['chat.v2', 'chat.v1', 'superchat'], 'the offered list, trimmed and in order');
    assert.deepEqual(checkUpgradeRequest(req({ headers }), { selectProtocol: pick('other') }), {
      ok: true,
      key: KEY,
      protocol: undefined,
    });
    assert.deepEqual(checkUpgradeRequest(req({ headers }), { selectProtocol: pick(undefined) }), {
      ok: true,
      key: KEY,
      protocol: undefined,
    });
    // Without the option, no subprotocol is ever chosen.
    assert.deepEqual(checkUpgradeRequest(req({ headers })), { ok: true, key: KEY, protocol: undefined });
  });

  test('never throws on odd input', T, () => {
    const odd = { method: undefined, url: undefined, httpVersionMajor: 1, httpVersionMinor: 1, headers: {} };
    assert.doesNotThrow(() => checkUpgradeRequest(odd as unknown as IncomingMessage));
    assert.equal(checkUpgradeRequest(odd as unknown as IncomingMessage).ok, false);
    assert.doesNotThrow(() => checkUpgradeRequest(req({ url: '' }), { paths: ['/'] }));
  });
});

/** Splits an HTTP/1.1 response into status line, headers (lower-case names) and body. */
function parseResponse(text: string): { statusLine: string; headers: Map<string, string>; body: string } {
  const end = text.indexOf('\r\n\r\n');
  assert.ok(end > 0, 'the header block ends with an empty line');
  const lines = text.slice(0, end).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+): (.*)$/.exec(line);
    assert.ok(m, `well-formed header line: ${JSON.stringify(line)}`);
    assert.ok(!m[2]!.includes('\r') && !m[2]!.includes('\n'));
    headers.set(m[1]!.toLowerCase(), m[2]!);
  }
  return { statusLine: lines[0]!, headers, body: text.slice(end + 4) };
}

describe('responses (RFC 6455 §4.2.2)', () => {
  test('acceptResponse: 101 with Upgrade, Connection and Sec-WebSocket-Accept', T, () => {
    const text = acceptResponse(KEY);
    const r = parseResponse(text);
    assert.equal(r.statusLine, 'HTTP/1.1 101 Switching Protocols');
    assert.equal(r.headers.get('upgrade')?.toLowerCase(), 'websocket');
    assert.equal(r.headers.get('connection')?.toLowerCase(), 'upgrade');
    assert.equal(r.headers.get('sec-websocket-accept'), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    assert.equal(r.headers.has('sec-websocket-protocol'), false);
    assert.equal(r.body, '', 'nothing after the header block');
    assert.ok(text.endsWith('\r\n\r\n'));
  });

  test('acceptResponse with a subprotocol', T, () => {
    const r = parseResponse(acceptResponse(KEY, 'chat.v1'));
    assert.equal(r.headers.get('sec-websocket-protocol'), 'chat.v1');
    assert.equal(r.body, '');
  });

  test('errorResponse: status line, Connection: close, Content-Length matching the body, extra headers', T, () => {
    for (const [code, phrase] of [
      [400, 'Bad Request'],
      [403, 'Forbidden'],
      [404, 'Not Found'],
      [426, 'Upgrade Required'],
      [503, 'Service Unavailable'],
    ] as const) {
      const text = errorResponse(code, 'nope, ünïcode', code === 426 ? { 'Sec-WebSocket-Version': '13' } : {});
      const r = parseResponse(text);
      assert.equal(r.statusLine, `HTTP/1.1 ${code} ${phrase}`);
      assert.equal(r.headers.get('connection'), 'close');
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(r.body), 'Content-Length counts bytes');
      assert.ok(r.body.startsWith('nope, ünïcode'));
      if (code === 426) assert.equal(r.headers.get('sec-websocket-version'), '13');
    }
    assert.match(errorResponse(599, 'x'), /^HTTP\/1\.1 599 \S/, 'an unknown status still has a reason phrase');
  });

  test('the refusal from checkUpgradeRequest renders into a 426 response', T, () => {
    const r = checkUpgradeRequest(req({ headers: { 'sec-websocket-version': '8' } }));
    assert.equal(r.ok, false);
    if (!r.ok) {
      const p = parseResponse(errorResponse(r.status, r.reason, r.headers));
      assert.equal(p.statusLine, 'HTTP/1.1 426 Upgrade Required');
      assert.equal(p.headers.get('sec-websocket-version'), '13');
    }
  });
});
