import { fileURLToPath } from 'node:url';
import { MemoryLog } from "../log/memory-log.js";
import { CloseCode } from "../websocket/close-codes.js";
import { WebSocketServer } from "../websocket/server.js";
import { COMPRESS_THRESHOLD, createChatService } from "./chat-service.js";
import { createHttpFront } from "./http-front.js";
import { createLogger } from "./logger.js";
import { defaultServerOptions } from "./options.js";
import { originPolicy } from "./origin.js";
import { clientAddressFrom, trustedProxies } from "./proxy.js";
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));
let RedisLogClass;
export async function loadClusterSupport() {
    RedisLogClass ??= (await import("../log/redis-log.js")).RedisLog;
}
export function createChatServer(options, logger, webRoot = WEB_ROOT) {
    let service;
    let redis;
    const front = createHttpFront(options, logger, {
        stats: () => chatStats(service, sockets),
        ...(options.redis ? { healthExtra: () => ({ redis: redis?.healthy ? 'ok' : 'down' }) } : {}),
    }, webRoot);
    const sockets = new WebSocketServer(socketOptions(options, '/ws', front.allowOrigin, front.clientAddress)).attach(front.http);
    front.watch(sockets);
    ({ service, redis } = startService(options, logger, sockets, front.metrics));
    if (redis !== undefined)
        registerClusterMetrics(front.metrics, redis, service);
    return {
        http: front.http,
        front,
        sockets,
        service,
        redis,
        listen: () => front.listen(),
        async shutdown(timeoutMs = 4000) {
            front.close();
            await stopService(service, redis, sockets, timeoutMs);
        },
    };
}
export function mountChat(server, mount = {}) {
    const { path = '/ws', logger = createLogger('warn'), ...overrides } = mount;
    const options = defaultServerOptions(overrides);
    const trusted = trustedProxies(options.trustProxy);
    const sockets = new WebSocketServer(socketOptions(options, path, originPolicy(options.allowedOrigins, trusted), (req) => clientAddressFrom(req, trusted)));
    const onUpgrade = (req, socket, head) => {
        const url = req.url ?? '/';
        const query = url.indexOf('?');
        const mine = (query === -1 ? url : url.slice(0, query)) === path;
        if (mine || server.listenerCount('upgrade') === 1)
            sockets.handleUpgrade(req, socket, head);
    };
    server.on('upgrade', onUpgrade);
    const { service, redis } = startService(options, logger, sockets, undefined);
    return {
        sockets,
        service,
        close: (timeoutMs = 4000) => {
            server.off('upgrade', onUpgrade);
            return stopService(service, redis, sockets, timeoutMs);
        },
    };
}
function socketOptions(options, path, allowOrigin, clientAddress) {
    return {
        paths: [path],
        ...(allowOrigin ? { allowOrigin } : {}),
        ...(clientAddress ? { clientAddress } : {}),
        maxMessageSize: options.maxPayload,
        maxFragments: 1024,
        handshakeTimeoutMs: options.handshakeTimeout * 1000,
        heartbeatIntervalMs: options.heartbeat * 1000,
        maxBufferedAmount: options.maxBuffered,
        maxConnections: options.maxConnections,
        maxConnectionsPerIp: options.maxConnectionsPerIp,
        perMessageDeflate: options.deflate ? { threshold: COMPRESS_THRESHOLD } : false,
    };
}
function startService(options, logger, sockets, metrics) {
    let redis;
    const service = createChatService(options, logger, sockets, metrics, (apply) => {
        if (options.redis) {
            if (RedisLogClass === undefined)
                throw new Error('the redis option needs the cluster code: call `await loadClusterSupport()` first');
            redis = new RedisLogClass(options.redis, logger, apply);
            return redis;
        }
        const log = new MemoryLog();
        log.subscribe(apply);
        return log;
    });
    redis?.start(service);
    return { service, redis };
}
async function stopService(service, redis, sockets, timeoutMs) {
    const started = Date.now();
    service.stop();
    if (redis)
        await redis.flush(Math.min(1000, timeoutMs / 2));
    let timeout;
    const gaveUp = new Promise((resolve) => {
        timeout = setTimeout(resolve, Math.max(0, timeoutMs - (Date.now() - started)));
    });
    await Promise.race([sockets.closeAll(CloseCode.GOING_AWAY, 'server shutting down'), gaveUp]);
    clearTimeout(timeout);
    for (const connection of sockets.connections)
        connection.terminate();
    await redis?.close();
}
function registerClusterMetrics(metrics, redis, service) {
    const registry = metrics.registry;
    registry.gauge('chat_redis_up', '1 while connected to Redis, reading the log and registered (own heartbeats come back), else 0.', () => (redis.healthy ? 1 : 0));
    registry.gauge('chat_cluster_processes', 'Live processes of the cluster seen in the log.', () => service.node.replica.stats().processes);
    registry.gauge('chat_log_last_applied_age_seconds', 'Age of the newest log entry applied (grows if delivery silently stops).', () => redis.lastAppliedAgeMs() / 1000);
    registry.counter('chat_log_commands_applied_total', 'Log entries applied to this replica.', () => redis.applied);
    registry.counter('chat_redis_reconnects_total', 'Reconnection attempts to Redis.', () => redis.reconnects);
}
function chatStats(service, sockets) {
    const stats = service.node.stats(Date.now());
    return {
        connections: sockets.connections.size,
        topics: service.node.clustered ? stats.localTopics : stats.topics,
        storedMessages: service.node.clustered ? service.node.localStoredMessages() : stats.storedMessages,
        messagesTotal: stats.messagesTotal,
    };
}
