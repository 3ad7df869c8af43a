/**
 * The chat server: an HTTP server (or HTTPS with TLS options) that serves
 * the chat WebSocket at /ws, /healthz, /metrics and the web page. The HTTP
 * side is lib/server/http-front.ts; the binding of connections to the chat
 * is lib/server/chat-service.ts; the log behind it is in memory for one
 * process or a Redis stream for a cluster (`--redis`).
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { MemoryLog } from '../log/memory-log.ts';
import type { RedisLog } from '../log/redis-log.ts';
import { CloseCode } from '../websocket/close-codes.ts';
import { WebSocketServer } from '../websocket/server.ts';
import { COMPRESS_THRESHOLD, createChatService, type ChatService } from './chat-service.ts';
import { type HttpFront, createHttpFront } from './http-front.ts';
import { createLogger, type Logger } from './logger.ts';
import { defaultServerOptions, type ServerOptions } from './options.ts';
import { originPolicy } from './origin.ts';
import { clientAddressFrom, trustedProxies } from './proxy.ts';
import type { ServerMetrics } from './server-metrics.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

/**
 * The cluster's code (the Redis log, its client and protocol), loaded only
 * by a process that needs it: every module's code stays on the V8 heap, and
 * a smaller heap means fewer full collections under load (README,
 * "Performance").
 */
let RedisLogClass: typeof RedisLog | undefined;

/** Loads the cluster code; needed once before `createChatServer` or `mountChat` with `redis`. */
export async function loadClusterSupport(): Promise<void> {
  RedisLogClass ??= (await import('../log/redis-log.ts')).RedisLog;
}

export interface ChatServer {
  readonly http: HttpServer;
  /** The HTTP side: routes, limits, metrics (`front.metrics`), the client address. */
  readonly front: HttpFront;
  readonly sockets: WebSocketServer;
  readonly service: ChatService;
  /** Cluster mode only. */
  readonly redis: RedisLog | undefined;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Stops accepting, closes every connection with 1001, then the server. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export function createChatServer(options: ServerOptions, logger: Logger, webRoot: string = WEB_ROOT): ChatServer {
  let service!: ChatService;
  let redis: RedisLog | undefined;
  const front = createHttpFront(
    options,
    logger,
    {
      stats: () => chatStats(service, sockets),
      ...(options.redis ? { healthExtra: () => ({ redis: redis?.healthy ? 'ok' : 'down' }) } : {}),
    },
    webRoot,
  );
  const sockets = new WebSocketServer(socketOptions(options, '/ws', front.allowOrigin, front.clientAddress)).attach(front.http);
  front.watch(sockets);
  ({ service, redis } = startService(options, logger, sockets, front.metrics));
  if (redis !== undefined) registerClusterMetrics(front.metrics, redis, service);

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

/** A chat mounted on an application's own HTTP(S) server. */
export interface MountedChat {
  readonly sockets: WebSocketServer;
  readonly service: ChatService;
  /** Closes every chat connection with 1001 (the HTTP server is the application's). */
  close(timeoutMs?: number): Promise<void>;
}

export interface MountOptions extends Partial<ServerOptions> {
  /** Where the chat WebSocket is served. Default `/ws`. */
  path?: string;
  logger?: Logger;
}

/**
 * Serves the chat WebSocket on an existing `http` or `https` server at
 * `path`; the application keeps its own routes (the page, /healthz and
 * /metrics are the standalone server's business). Options are the
 * server's, with its defaults, the Origin check and `trustProxy` included.
 * Upgrades at other paths are left to the application's own `upgrade`
 * listeners, and refused with 404 only when it has none.
 */
export function mountChat(server: HttpServer | HttpsServer, mount: MountOptions = {}): MountedChat {
  const { path = '/ws', logger = createLogger('warn'), ...overrides } = mount;
  const options = defaultServerOptions(overrides);
  const trusted = trustedProxies(options.trustProxy);
  const sockets = new WebSocketServer(
    socketOptions(options, path, originPolicy(options.allowedOrigins, trusted), (req) => clientAddressFrom(req, trusted)),
  );
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const mine = (query === -1 ? url : url.slice(0, query)) === path;
    if (mine || server.listenerCount('upgrade') === 1) sockets.handleUpgrade(req, socket, head);
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

function socketOptions(
  options: ServerOptions,
  path: string,
  allowOrigin: ((origin: string | undefined, req: IncomingMessage) => boolean) | undefined,
  clientAddress: ((req: IncomingMessage) => string) | undefined,
): ConstructorParameters<typeof WebSocketServer>[0] {
  return {
    paths: [path],
    ...(allowOrigin ? { allowOrigin } : {}),
    ...(clientAddress ? { clientAddress } : {}),
    maxMessageSize: options.maxPayload,
    // Browsers send chat messages whole; a thousand pieces is already generous.
    maxFragments: 1024,
    handshakeTimeoutMs: options.handshakeTimeout * 1000,
    heartbeatIntervalMs: options.heartbeat * 1000,
    maxBufferedAmount: options.maxBuffered,
    maxConnections: options.maxConnections,
    maxConnectionsPerIp: options.maxConnectionsPerIp,
    perMessageDeflate: options.deflate ? { threshold: COMPRESS_THRESHOLD } : false,
  };
}

function startService(
  options: ServerOptions,
  logger: Logger,
  sockets: WebSocketServer,
  metrics: ServerMetrics | undefined,
): { service: ChatService; redis: RedisLog | undefined } {
  let redis: RedisLog | undefined;
  const service = createChatService(options, logger, sockets, metrics, (apply) => {
    if (options.redis) {
      if (RedisLogClass === undefined) throw new Error('the redis option needs the cluster code: call `await loadClusterSupport()` first');
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

async function stopService(service: ChatService, redis: RedisLog | undefined, sockets: WebSocketServer, timeoutMs: number): Promise<void> {
  const started = Date.now();
  service.stop();
  // In a cluster the others must hear of the stop before this process goes.
  if (redis) await redis.flush(Math.min(1000, timeoutMs / 2));
  let timeout: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timeout = setTimeout(resolve, Math.max(0, timeoutMs - (Date.now() - started)));
  });
  await Promise.race([sockets.closeAll(CloseCode.GOING_AWAY, 'server shutting down'), gaveUp]);
  clearTimeout(timeout);
  for (const connection of sockets.connections) connection.terminate();
  await redis?.close();
}

/** What an operator of a cluster watches: Redis up, processes seen, how fresh the applied log is. */
function registerClusterMetrics(metrics: ServerMetrics, redis: RedisLog, service: ChatService): void {
  const registry = metrics.registry;
  registry.gauge('chat_redis_up', '1 while connected to Redis, reading the log and registered (own heartbeats come back), else 0.', () => (redis.healthy ? 1 : 0));
  registry.gauge('chat_cluster_processes', 'Live processes of the cluster seen in the log.', () => service.node.replica.stats().processes);
  registry.gauge('chat_log_last_applied_age_seconds', 'Age of the newest log entry applied (grows if delivery silently stops).', () => redis.lastAppliedAgeMs() / 1000);
  registry.counter('chat_log_commands_applied_total', 'Log entries applied to this replica.', () => redis.applied);
  registry.counter('chat_redis_reconnects_total', 'Reconnection attempts to Redis.', () => redis.reconnects);
}

/** /healthz and /metrics figures: one process's own view in a cluster (the contract's rule). */
function chatStats(service: ChatService, sockets: WebSocketServer) {
  const stats = service.node.stats(Date.now());
  return {
    connections: sockets.connections.size,
    topics: service.node.clustered ? stats.localTopics : stats.topics,
    storedMessages: service.node.clustered ? service.node.localStoredMessages() : stats.storedMessages,
    messagesTotal: stats.messagesTotal,
  };
}
