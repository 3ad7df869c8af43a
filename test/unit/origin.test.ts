/** Origins compared as RFC 6454 §5 defines them: (scheme, host, port) with default ports. */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { originPolicy, originTuple } from '../../lib/server/origin.ts';
import { trustedProxies } from '../../lib/server/proxy.ts';

/** The parts of a request the policy reads. */
function request(host: string, { tls = false, peer = '127.0.0.1', headers = {} as Record<string, string> } = {}): IncomingMessage {
  return { headers: { host, ...headers }, socket: { encrypted: tls, remoteAddress: peer } } as unknown as IncomingMessage;
}

describe('origin tuples', () => {
  it('fill in default ports, lower-case, and treat ws/wss as http/https', () => {
    assert.equal(originTuple('http://X.example'), 'http://x.example:80');
    assert.equal(originTuple('http://x.example:80'), 'http://x.example:80');
    assert.equal(originTuple('https://x.example'), 'https://x.example:443');
    assert.equal(originTuple('wss://x.example:443'), 'https://x.example:443');
    assert.equal(originTuple('http://[::1]:8000'), 'http://[::1]:8000');
    assert.equal(originTuple('http://bücher.example'), 'http://xn--bcher-kva.example:80');
  });
  it('refuse opaque origins, paths, credentials and unknown schemes', () => {
    for (const bad of ['null', 'file://', 'http://x/path', 'http://u@x', 'ftp://x', 'http://x:99999', '']) assert.equal(originTuple(bad), undefined, bad);
  });
});

describe('originPolicy', () => {
  const own = originPolicy(undefined);
  it('Host x:80 with Origin http://x is the same origin', () => {
    assert.equal(own('http://x', request('x:80')), true);
    assert.equal(own('http://x:80', request('x')), true);
    assert.equal(own('http://x:8000', request('x:8000')), true);
  });
  it('a scheme mismatch is another origin', () => {
    assert.equal(own('https://x', request('x:443')), false);
    assert.equal(own('https://x:8000', request('x:8000')), false);
    assert.equal(own('https://x:8000', request('x:8000', { tls: true })), true);
    assert.equal(own('http://x:8000', request('x:8000', { tls: true })), false);
  });
  it('another host or port is refused; no Origin is allowed', () => {
    assert.equal(own('http://evil.example:8000', request('x:8000')), false);
    assert.equal(own('http://x:8001', request('x:8000')), false);
    assert.equal(own('null', request('x:8000')), false);
    assert.equal(own(undefined, request('x:8000')), true);
    assert.equal(own('http://x', request('x/@evil')), false);
  });
  it('X-Forwarded-Proto counts only from a trusted proxy', () => {
    const behind = originPolicy(undefined, trustedProxies(['loopback']));
    const proxied = request('chat.example', { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(behind('https://chat.example', proxied), true);
    assert.equal(own('https://chat.example', proxied), false);
    assert.equal(behind('https://chat.example', request('chat.example', { peer: '203.0.113.9', headers: { 'x-forwarded-proto': 'https' } })), false);
  });
  it('a list compares tuples too; * allows anyone', () => {
    const listed = originPolicy(['https://chat.example', 'http://localhost:8000/']);
    assert.equal(listed('https://chat.example:443', request('internal:8000')), true);
    assert.equal(listed('http://chat.example', request('internal:8000')), false);
    assert.equal(listed('http://localhost:8000', request('internal:8000')), true);
    assert.equal(originPolicy(['*'])('http://anything', request('x')), true);
    assert.throws(() => originPolicy(['not an origin']));
  });
});
