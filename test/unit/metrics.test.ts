/** The metrics registry renders valid Prometheus text: checked by a strict parser. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../lib/server/metrics.ts';
import { createServerMetrics } from '../../lib/server/server-metrics.ts';
import { parseExposition } from '../hardening/prometheus.ts';

describe('metrics registry', () => {
  it('counters, gauges and labelled series render with HELP and TYPE', () => {
    const registry = new MetricsRegistry();
    const faults = registry.counter('faults_total', 'Faults.');
    faults.inc({ code: 1002 });
    faults.inc({ code: 1002 });
    faults.inc({ code: 1009 }, 3);
    faults.inc({ code: 1009 }, -1); // a counter never goes down
    registry.gauge('temperature', 'Now.').set(-1.5);
    registry.gauge('read_at_render', 'Collected.', () => 7);
    const families = parseExposition(registry.render());
    assert.deepEqual(
      families.get('faults_total')!.samples.map((s) => [s.labels.code, s.value]),
      [['1002', 2], ['1009', 3]],
    );
    assert.equal(families.get('temperature')!.samples[0]!.value, -1.5);
    assert.equal(families.get('read_at_render')!.samples[0]!.value, 7);
  });

  it('label values are escaped (backslash, quote, newline) and read back whole', () => {
    const registry = new MetricsRegistry();
    const odd = 'a\\b"c\nd';
    registry.counter('odd_total', 'Odd "help"\nwith a newline.').inc({ reason: odd });
    const text = registry.render();
    assert.equal(text.split('\n').filter((l) => l.startsWith('odd_total')).length, 1);
    assert.equal(parseExposition(text).get('odd_total')!.samples[0]!.labels.reason, odd);
  });

  it('histograms: cumulative buckets, +Inf equal to _count, _sum', () => {
    const registry = new MetricsRegistry();
    const latency = registry.histogram('latency_seconds', 'Latency.', [0.1, 0.01, 1]);
    for (const v of [0.005, 0.05, 0.05, 0.5, 5]) latency.observe(v);
    const family = parseExposition(registry.render()).get('latency_seconds')!;
    const buckets = family.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => [s.labels.le, s.value]);
    assert.deepEqual(buckets, [['0.01', 1], ['0.1', 3], ['1', 4], ['+Inf', 5]]);
    assert.equal(family.samples.find((s) => s.name === 'latency_seconds_count')!.value, 5);
    assert.ok(Math.abs(family.samples.find((s) => s.name === 'latency_seconds_sum')!.value - 5.605) < 1e-9);
  });

  it('refuses bad names, duplicate names and reserved label names', () => {
    const registry = new MetricsRegistry();
    assert.throws(() => registry.counter('bad-name_total', 'x'));
    registry.gauge('g', 'x');
    assert.throws(() => registry.gauge('g', 'x'));
    assert.throws(() => registry.counter('c_total', 'x').inc({ __reserved: 'x' }));
    assert.throws(() => registry.histogram('h', 'x', [1]).observe(1, { le: '1' }));
  });

  it('the server set: process metrics, chat gauges, every lead counter, all valid', () => {
    const metrics = createServerMetrics(() => ({ connections: 3, topics: 2, storedMessages: 9, messagesTotal: 12 }));
    try {
      metrics.protocolFaults.inc({ code: 1008 });
      metrics.deliveryLatency.observe(0.002);
      metrics.upgradesRefused.inc({ reason: 'origin_not_allowed', status: 403 });
      const families = parseExposition(metrics.render());
      for (const name of [
        'process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds',
        'chat_connections', 'chat_topics', 'chat_messages_stored', 'chat_messages_total', 'chat_rate_limited_frames_total',
        'chat_protocol_faults_total', 'chat_slow_consumer_closes_total', 'chat_messages_delivered_total', 'chat_delivery_latency_seconds',
        'chat_upgrades_refused_total', 'chat_http_refused_total',
      ]) {
        assert.ok(families.has(name), `missing ${name}`);
      }
      assert.equal(families.get('chat_connections')!.samples[0]!.value, 3);
      assert.equal(families.get('chat_messages_total')!.type, 'counter');
      assert.ok(families.get('process_resident_memory_bytes')!.samples[0]!.value > 1e6);
    } finally {
      metrics.dispose();
    }
  });
});
