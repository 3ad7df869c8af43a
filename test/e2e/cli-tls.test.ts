/**
 * The terminal client over wss:// against the in-process server with the
 * self-signed certificate of test/fixtures/tls: `--ca` trusts it,
 * `--insecure` skips the check, and without either the certificate error is
 * final: a clear message and exit 1, no reconnect attempts.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';
import { Client, killAll } from './cli-process.ts';

const CERT = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url));
const TIMEOUT = { timeout: 20_000 };

describe('wschat client over wss:// with a self-signed certificate', () => {
  let server: RunningChatServer;
  let wss: string;

  before(async () => {
    server = await startChatServer({ tlsCert: CERT, tlsKey: KEY });
    wss = `wss://127.0.0.1:${server.port}/ws`;
  });
  afterEach(() => killAll());
  after(() => server.stop());

  test('--ca FILE trusts the certificate: join, chat, clean exit', TIMEOUT, async () => {
    const alice = new Client(['alice', 'secure', '--url', wss, '--ca', CERT]);
    assert.equal((await alice.welcome()).username, 'alice');
    alice.write('over tls');
    assert.equal((await alice.frame((f) => f.type === 'ack', 'the ack')).ref, 1);
    alice.end();
    assert.equal(await alice.exited, 0);
  });

  test('--insecure connects without checking the certificate', TIMEOUT, async () => {
    const bob = new Client(['bob', 'secure', '--url', `wss://localhost:${server.port}/ws`, '--insecure']);
    assert.equal((await bob.welcome()).username, 'bob');
    bob.end();
    assert.equal(await bob.exited, 0);
  });

  test('an untrusted certificate is final: a clear message, exit 1, no retry', TIMEOUT, async () => {
    const carol = new Client(['carol', 'secure', '--url', wss]);
    assert.equal(await carol.exited, 1);
    assert.match(carol.stderr, /certificate is not trusted/);
    assert.match(carol.stderr, /--ca FILE/);
    assert.match(carol.stderr, /--insecure/);
    assert.doesNotMatch(carol.stderr, /reconnecting|attempt/);
    assert.deepEqual(carol.frames, []);
  });

  test('a --ca file that cannot be read is a usage error (exit 2)', TIMEOUT, async () => {
    const dave = new Client(['dave', 'secure', '--url', wss, '--ca', '/nonexistent/ca.pem']);
    assert.equal(await dave.exited, 2);
    assert.match(dave.stderr, /cannot read --ca/);
  });
});
