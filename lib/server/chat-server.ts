/**
 * The chat server: an HTTP server (or HTTPS with TLS options) that serves
 * the chat WebSocket at /ws, /healthz, /metrics and the web page, and binds
 * the pure chat core to the connections. Data flows one way: bytes → frames
 * (WebSocket layer) → chat effects (core) → bytes. This file owns the only
 * clock and the only timer the core needs.
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES, createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ChatCore, type ConnId, type Effect } from '../chat/core.ts';
import { CloseCode } from '../websocket/close-codes.ts';
import type { WebSocketConnection } from '../websocket/connection.ts';
import { encodeMessage } from '../websocket/encoder.ts';
import { errorResponse } from '../websocket/handshake.ts';
import { WebSocketServer } from '../websocket/server.ts';
import type { Logger } from './logger.ts';
import { originPolicy } from './origin.ts';
import type { ServerOptions } from './options.ts';
import { StaticFiles } from './static-files.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const PLACEHOLDER_PAGE =
  '<!doctype html><meta charset="utf-8"><title>wschat</title>' +
  '<p>wschat is running. Connect a WebSocket client to <code>/ws</code>.</p>\n';

export interface ChatServer {
  readonly http: Server;
  readonly sockets: WebSocketServer;
  readonly core: ChatCore;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Stops accepting, closes every connection with 1001, then the server. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export function createChatServer(options: ServerOptions, logger: Logger, webRoot: string = WEB_ROOT): ChatServer {
  const core = new ChatCore({
    messageTtlMs: options.messageTtl * 1000,
    maxMessageLength: options.maxMessageLength,
    joinTimeoutMs: options.joinTimeout * 1000,
    idleTimeoutMs: options.idleTimeout * 1000,
    rateLimit: options.rateLimit,
  });
  const connections = new Map<ConnId, WebSocketConnection>();
  const staticFiles = new StaticFiles(webRoot);
  let nextId = 1;

  // ---- the one timer: wakes the core at its next deadline ----
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  const armTimer = (): void => {
    const deadline = core.nextDeadline();
    if (deadline === undefined || deadline >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = deadline;
    timer = setTimeout(onTimer, Math.max(0, deadline - Date.now()));
    timer.unref();
  };
  const onTimer = (): void => {
    timer = undefined;
    timerAt = Infinity;
    run(core.tick(Date.now()));
  };

  // ---- carrying out the core's effects ----
  const run = (effects: Effect[]): void => {
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          connections.get(effect.to)?.send(effect.frame);
          break;
        case 'broadcast': {
          // Framed once, the same bytes queued for every recipient. `to` may be
          // the core's live member list; sending never calls back into the
          // core synchronously (connections emit 'close' on a later tick).
          const frame = encodeMessage(effect.frame);
          for (const id of effect.to) {
            if (id !== effect.except) connections.get(id)?.sendPrepared(frame);
          }
          break;
        }
        case 'close':
          connections.get(effect.conn)?.close(effect.code, effect.reason);
          break;
        case 'event':
          logger.info(effect.event, { conn: effect.conn, user: effect.username, topic: effect.topic, reason: effect.reason });
          break;
      }
    }
    armTimer();
  };

  // ---- HTTP ----
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    if (pathname === '/healthz' || pathname === '/metrics') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      const stats = core.stats(Date.now());
      if (pathname === '/healthz') {
        const body = JSON.stringify({
          status: 'ok',
          connections: sockets.connections.size,
          topics: stats.topics,
          storedMessages: stats.storedMessages,
        });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      const body = [
        '# HELP chat_connections Open WebSocket connections, joined or not.',
        '# TYPE chat_connections gauge',
        `chat_connections ${sockets.connections.size}`,
        '# HELP chat_topics Topics with at least one user.',
        '# TYPE chat_topics gauge',
        `chat_topics ${stats.topics}`,
        '# HELP chat_messages_stored Messages held until they expire.',
        '# TYPE chat_messages_stored gauge',
        `chat_messages_stored ${stats.storedMessages}`,
        '# HELP chat_messages_total Chat messages accepted since start (topic messages and DMs).',
        '# TYPE chat_messages_total counter',
        `chat_messages_total ${stats.messagesTotal}`,
        '',
      ].join('\n');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (pathname === '/ws') {
      return plain(res, 426, 'this is the chat WebSocket endpoint: send an Upgrade request', {
        'Sec-WebSocket-Version': '13',
        Upgrade: 'websocket',
      });
    }
    if (staticFiles.serve(req, res, pathname)) return;
    if (pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : PLACEHOLDER_PAGE);
      return;
    }
    plain(res, 404, 'not found');
  };

  const http: Server = options.tlsCert && options.tlsKey
    ? (createHttpsServer(
        {
          cert: readFileSync(options.tlsCert),
          key: readFileSync(options.tlsKey),
          // The TLS handshake comes before the upgrade request: bound it too.
          ...(options.handshakeTimeout > 0 ? { handshakeTimeout: options.handshakeTimeout * 1000 } : {}),
        },
        onRequest,
      ) as unknown as Server)
    : createHttpServer(onRequest);
  if (options.handshakeTimeout > 0) http.headersTimeout = options.handshakeTimeout * 1000;
  http.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed or oversized requests: answer with the matching status, never crash.
    logger.debug('http_client_error', { code: error.code });
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(errorResponse(status, STATUS_CODES[status] ?? 'bad request'));
    setTimeout(() => socket.destroy(), 1000).unref();
  });

  const sockets = new WebSocketServer({
    paths: ['/ws'],
    allowOrigin: originPolicy(options.allowedOrigins),
    maxMessageSize: options.maxPayload,
    // Browsers send chat messages whole; a thousand pieces is already generous.
    maxFragments: 1024,
    handshakeTimeoutMs: options.handshakeTimeout * 1000,
    heartbeatIntervalMs: options.heartbeat * 1000,
    maxBufferedAmount: options.maxBuffered,
    maxConnections: options.maxConnections,
    maxConnectionsPerIp: options.maxConnectionsPerIp,
  }).attach(http);

  sockets.on('rejected', (status, reason, req) => {
    logger.info('upgrade_refused', { status, reason, addr: req.socket.remoteAddress, path: req.url });
  });

  // One listener function of each kind for every connection (they get the
  // connection as `this`): an idle connection then costs no closures.
  function onMessage(this: WebSocketConnection, data: string | Buffer, isBinary: boolean): void {
    const id = this.id;
    try {
      const now = Date.now();
      run(isBinary ? core.receiveBinary(id, now) : core.receiveText(id, data as string, now));
    } catch (error) {
      // A bug while handling one connection must not reach the others.
      logger.error('server_error', { conn: id }, error);
      this.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
  }
  function onError(this: WebSocketConnection, error: Error & { closeCode?: number }): void {
    if (error.closeCode !== undefined) {
      logger.warn('protocol_error', { conn: this.id, code: error.closeCode, reason: error.message });
    } else {
      logger.debug('socket_error', { conn: this.id, error: error.message });
    }
  }
  function onClose(this: WebSocketConnection, code: number, reason: string): void {
    const id = this.id;
    connections.delete(id);
    logger.info('disconnect', { conn: id, code, reason: reason || undefined });
    try {
      run(core.disconnect(id, 'disconnect', Date.now()));
    } catch (error) {
      logger.error('server_error', { conn: id }, error);
    }
  }

  sockets.on('connection', (connection, req) => {
    const id = nextId++;
    connection.id = id;
    connections.set(id, connection);
    logger.info('connect', { conn: id, addr: connection.remoteAddress, origin: req.headers.origin });
    connection.on('message', onMessage);
    connection.on('error', onError);
    connection.on('close', onClose);
    run(core.connect(id, Date.now()));
  });

  return {
    http,
    sockets,
    core,
    listen() {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => {
          http.off('error', reject);
          resolve(http.address() as AddressInfo);
        });
      });
    },
    async shutdown(timeoutMs = 4000) {
      http.close();
      http.closeIdleConnections();
      let timeout: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([sockets.closeAll(CloseCode.GOING_AWAY, 'server shutting down'), gaveUp]);
      clearTimeout(timeout);
      for (const connection of sockets.connections) connection.terminate();
      if (timer) clearTimeout(timer);
    },
  };
}

function plain(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `${message}\n`;
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
