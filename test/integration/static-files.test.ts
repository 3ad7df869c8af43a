/**
 * The web page's files over HTTP: content types, caching and security
 * headers, and no way out of the web/ folder.
 */
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';

const T = { timeout: 10_000 };

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends the request line exactly as written (fetch would normalise `..`). */
function rawRequest(port: number, method: string, target: string, extra = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${extra}\r\n`);
  });
}

describe('static files', () => {
  let server: RunningChatServer;
  before(async () => {
    server = await startChatServer();
  });
  after(() => server.stop());

  it('serves the page with its content type, CSP and cache validators', T, async () => {
    const page = await rawRequest(server.port, 'GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type']!, /^text\/html/);
    assert.match(page.headers['content-security-policy']!, /script-src 'self'/);
    assert.doesNotMatch(page.headers['content-security-policy']!, /unsafe-inline/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(page.body, /<html/i);
    const script = await rawRequest(server.port, 'GET', '/app.js');
    assert.match(script.headers['content-type']!, /^text\/javascript/);
    const style = await rawRequest(server.port, 'GET', '/style.css');
    assert.match(style.headers['content-type']!, /^text\/css/);

    const etag = page.headers['etag']!;
    const again = await rawRequest(server.port, 'GET', '/', `If-None-Match: ${etag}\r\n`);
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
  });

  it('answers HEAD without a body and other methods with 405', T, async () => {
    const head = await rawRequest(server.port, 'HEAD', '/index.html');
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers['content-length']) > 0);
    assert.equal(head.body, '');
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await rawRequest(server.port, method, '/index.html', 'Content-Length: 0\r\n');
      assert.equal(res.status, 405, method);
      assert.equal(res.headers['allow'], 'GET, HEAD');
    }
  });

  it('never serves anything outside web/', T, async () => {
    const attempts = [
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/package.json',
      '/%2E%2E%2Fpackage.json',
      '/web/../package.json',
      '/./../../etc/passwd',
      '//etc/passwd',
      '/etc/passwd',
      '/%2fetc%2fpasswd',
      '/..\\package.json',
      '/tsconfig.json',
      '/index.html%00.js',
      'http://127.0.0.1/../package.json',
      '/nope.html',
    ];
    for (const target of attempts) {
      const res = await rawRequest(server.port, 'GET', target);
      assert.ok(res.status === 404 || res.status === 400, `${target} → ${res.status}`);
      assert.doesNotMatch(res.body, /"devDependencies"|root:x:0/, target);
    }
  });
});
