import { MetricsRegistry } from "./metrics.js";
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export function reasonLabel(reason) {
    return reason.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 60) || 'unknown';
}
export function createServerMetrics(stats) {
    const registry = new MetricsRegistry();
    let loopDelay;
    let sampler;
    let disposed = false;
    const startSampler = () => {
        sampler ??= import('node:perf_hooks').then(({ monitorEventLoopDelay }) => {
            if (disposed)
                return;
            loopDelay = monitorEventLoopDelay({ resolution: 10 });
            loopDelay.enable();
        });
    };
    let current;
    const stat = (key) => () => (current ?? stats())[key];
    registry.gauge('chat_connections', 'Open WebSocket connections, joined or not.', stat('connections'));
    registry.gauge('chat_topics', 'Topics with at least one user.', stat('topics'));
    registry.gauge('chat_messages_stored', 'Messages held until they expire.', stat('storedMessages'));
    registry.counter('chat_messages_total', 'Chat messages accepted since start (topic messages and DMs).', stat('messagesTotal'));
    const metrics = {
        registry,
        messagesDelivered: registry.counter('chat_messages_delivered_total', 'Chat frames queued to a recipient (a broadcast to n members counts n).'),
        deliveryLatency: registry.histogram('chat_delivery_latency_seconds', 'Time from accepting a chat message to writing it to the recipients.', LATENCY_BUCKETS),
        rateLimitedFrames: registry.counter('chat_rate_limited_frames_total', 'Chat frames dropped by the per-connection rate limit.'),
        protocolFaults: registry.counter('chat_protocol_faults_total', 'Connections closed for a protocol or chat fault, by close code.'),
        slowConsumerCloses: registry.counter('chat_slow_consumer_closes_total', 'Connections closed because their unsent output passed the cap.'),
        upgradesRefused: registry.counter('chat_upgrades_refused_total', 'WebSocket upgrade requests refused, by reason.'),
        httpRefused: registry.counter('chat_http_refused_total', 'Plain HTTP connections or requests refused by a limit, by reason.'),
        httpConnections: registry.gauge('chat_http_connections', 'Open plain HTTP connections (not upgraded).'),
        tlsHandshakeFailures: registry.counter('chat_tls_handshake_failures_total', 'TLS handshakes that failed or timed out.'),
    };
    const start = Date.now() / 1000 - process.uptime();
    registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch in seconds.', () => Math.round(start));
    registry.counter('process_cpu_seconds_total', 'User and system CPU time spent in seconds.', () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1e6;
    });
    registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
    registry.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use in bytes.', () => process.memoryUsage().heapUsed);
    registry.gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved in bytes.', () => process.memoryUsage().heapTotal);
    registry.gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript (buffers) in bytes.', () => process.memoryUsage().external);
    registry.gauge('nodejs_eventloop_lag_mean_seconds', 'Mean event-loop delay since the previous scrape.', () => nanos(loopDelay?.mean));
    registry.gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile event-loop delay since the previous scrape.', () => nanos(loopDelay?.percentile(99)));
    registry.gauge('nodejs_eventloop_lag_max_seconds', 'Longest event-loop delay since the previous scrape.', () => nanos(loopDelay?.max));
    return {
        ...metrics,
        render() {
            startSampler();
            current = stats();
            try {
                return registry.render();
            }
            finally {
                current = undefined;
                loopDelay?.reset();
            }
        },
        dispose() {
            disposed = true;
            loopDelay?.disable();
        },
    };
}
function nanos(value) {
    return value !== undefined && Number.isFinite(value) ? value / 1e9 : 0;
}
