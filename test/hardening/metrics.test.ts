/** GET /metrics over the wire: the whole exposition parses strictly and counts what happened. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startChatServer } from '../helpers/chat-server.ts';
import { join, wsClient } from '../helpers/chat-client.ts';
import { parseExposition } from './prometheus.ts';
import { rawRequest, statusOf } from './raw-http.ts';

async function scrape(port: number): Promise<string> {
  const response = await rawRequest(port, 'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(response), 200, response);
  assert.match(response, /content-type: text\/plain; version=0\.0\.4; charset=utf-8/i);
  return response.slice(response.indexOf('\r\n\r\n') + 4);
}

describe('/metrics', () => {
  it('valid exposition with process, chat and front-door metrics', { timeout: 10_000 }, async (t) => {
    const server = await startChatServer();
    t.after(() => server.stop());
    const alice = await wsClient(server.url);
    t.after(() => alice.close());
    await join(alice, 'alice', 'metrics');
    // A refused upgrade (bad origin) shows up by reason.
    await rawRequest(
      server.port,
      'GET /ws HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const families = parseExposition(await scrape(server.port));
    assert.equal(families.get('chat_connections')!.samples[0]!.value, 1);
    assert.equal(families.get('chat_topics')!.samples[0]!.value, 1);
    const refused = families.get('chat_upgrades_refused_total')!.samples;
    assert.deepEqual(refused.map((s) => [s.labels.reason, s.labels.status, s.value]), [['origin_not_allowed', '403', 1]]);
    for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_max_seconds', 'chat_delivery_latency_seconds', 'chat_http_connections']) {
      assert.ok(families.has(name), name);
    }
    assert.equal(families.get('process_cpu_seconds_total')!.type, 'counter');
    assert.equal(families.get('chat_delivery_latency_seconds')!.type, 'histogram');
  });
});
