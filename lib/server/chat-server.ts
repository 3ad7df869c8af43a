/**
 * The chat server: an HTTP server (or HTTPS with TLS options) that serves
 * the chat WebSocket at /ws, /healthz, /metrics and the web page, and binds
 * the pure chat core to the connections. Data flows one way: bytes → frames
 * (WebSocket layer) → chat effects (core) → bytes. This file owns the only
 * clock and the only timer the core needs.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ChatCore, type ConnId, type Effect } from '../chat/core.ts';
import { CloseCode } from '../websocket/close-codes.ts';
import type { WebSocketConnection } from '../websocket/connection.ts';
import { encodeMessage } from '../websocket/encoder.ts';
import { WebSocketServer } from '../websocket/server.ts';
import { type HttpFront, createHttpFront } from './http-front.ts';
import type { Logger } from './logger.ts';
import type { ServerOptions } from './options.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

export interface ChatServer {
  readonly http: Server;
  /** The HTTP side: routes, limits, metrics (`front.metrics`), the client address. */
  readonly front: HttpFront;
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

  // ---- HTTP: routes, limits, metrics (lib/server/http-front.ts) ----
  const front = createHttpFront(options, logger, {
    stats: () => ({ ...core.stats(Date.now()), connections: sockets.connections.size }),
  }, webRoot);
  const http = front.http;

  const sockets = new WebSocketServer({
    paths: ['/ws'],
    allowOrigin: front.allowOrigin,
    maxMessageSize: options.maxPayload,
    // Browsers send chat messages whole; a thousand pieces is already generous.
    maxFragments: 1024,
    handshakeTimeoutMs: options.handshakeTimeout * 1000,
    heartbeatIntervalMs: options.heartbeat * 1000,
    maxBufferedAmount: options.maxBuffered,
    maxConnections: options.maxConnections,
    maxConnectionsPerIp: options.maxConnectionsPerIp,
  }).attach(http);

  front.watch(sockets);

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
    front,
    sockets,
    core,
    listen: () => front.listen(),
    async shutdown(timeoutMs = 4000) {
      front.close();
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
