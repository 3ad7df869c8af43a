/**
 * The server side: attaches to an `http.Server` or `https.Server`, runs the
 * opening handshake on its `upgrade` events and hands out connections.
 * Owns the limits that span connections (counts per server and per address,
 * the handshake timeout, the heartbeat round).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Server as TlsServerType } from 'node:tls';
import type { Duplex } from 'node:stream';
import { CloseCode } from './close-codes.ts';
import { ReadyState, WebSocketConnection } from './connection.ts';
import { addressGroup } from './address.ts';
import { acceptResponse, checkUpgradeRequest, errorResponse, type HandshakeOptions } from './handshake.ts';
import { acceptDeflateOffer, type PerMessageDeflateOptions } from './permessage-deflate.ts';

// Not `import ... from 'node:tls'`: an ES import of node:tls builds its whole
// namespace, which reads the lazy `rootCertificates` and keeps ~150 root CA
// certificates (about 220 KB) on every process's heap, TLS or not.
const { Server: TlsServer } = createRequire(import.meta.url)('node:tls') as { Server: typeof TlsServerType };

export interface WebSocketServerOptions extends HandshakeOptions {
  /** Largest incoming message in bytes, after reassembly (1009 beyond it). */
  maxMessageSize?: number;
  /** Most fragments in one incoming message. */
  maxFragments?: number;
  /** A TCP connection must finish its upgrade request within this time; 0 = off. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Wait for the peer's Close frame at most this long. Default 5 s. */
  closeTimeoutMs?: number;
  /** Ping every connection this often and drop those silent since the last ping; 0 = off. */
  heartbeatIntervalMs?: number;
  /**
   * Slow-consumer cap: a frame is refused and the connection dropped (1013)
   * when the bytes already buffered for it, before that frame, exceed this.
   * 0 = no cap.
   */
  maxBufferedAmount?: number;
  /** Open connections in total; beyond it upgrades get 503. 0 = no limit. */
  maxConnections?: number;
  /**
   * Open connections per client address (IPv6 counted by /64, IPv4-mapped
   * IPv6 as IPv4); beyond it upgrades get 503. 0 = no limit.
   */
  maxConnectionsPerIp?: number;
  /**
   * The client's address for `connection.remoteAddress` and the per-address
   * cap, e.g. from a header set by a trusted proxy. Default: the socket's peer.
   */
  clientAddress?: ((req: IncomingMessage) => string) | undefined;
  /**
   * permessage-deflate (RFC 7692): off by default; true or options to
   * accept it when offered. The server always keeps no context between
   * messages (no zlib state per connection).
   */
  perMessageDeflate?: PerMessageDeflateOptions | boolean | undefined;
}

export interface WebSocketServerEvents {
  connection: [connection: WebSocketConnection, request: IncomingMessage];
  /** An upgrade request that was refused with an HTTP error. */
  rejected: [status: number, reason: string, request: IncomingMessage];
}

export class WebSocketServer extends EventEmitter<WebSocketServerEvents> {
  readonly connections = new Set<WebSocketConnection>();
  private readonly options: WebSocketServerOptions;
  private readonly perAddress = new Map<string, number>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private accepting = true;

  constructor(options: WebSocketServerOptions = {}) {
    super();
    this.options = options;
    const interval = options.heartbeatIntervalMs ?? 0;
    if (interval > 0) {
      this.heartbeatTimer = setInterval(() => this.heartbeatRound(), interval);
      this.heartbeatTimer.unref();
    }
  }

  /** Serves WebSocket upgrades on `server` (plain requests stay the server's business). */
  attach(server: HttpServer | HttpsServer): this {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    const timeout = this.options.handshakeTimeoutMs ?? 10_000;
    if (timeout > 0) {
      // A client that connects and then sends nothing, or dribbles its request,
      // is dropped; the timer is cleared once the socket is upgraded or used for HTTP.
      // (No closure per socket: the timer gets the socket as its argument.)
      const onConnection = (socket: Socket): void => {
        handshakeTimers.set(socket, setTimeout(dropSocket, timeout, socket).unref());
      };
      // Over TLS, the request arrives on the TLS socket, not the raw TCP one.
      server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', onConnection);
      server.on('request', (req: IncomingMessage) => endHandshakeTimer(req.socket));
    }
    return this;
  }

  /** Runs the handshake for one `upgrade` event. Never throws. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', destroyOnError);
    const result = checkUpgradeRequest(req, this.options);
    if (!result.ok) return this.refuse(socket, req, result.status, result.reason, result.headers);
    if (!this.accepting) return this.refuse(socket, req, 503, 'server is shutting down');
    const max = this.options.maxConnections ?? 0;
    if (max > 0 && this.connections.size >= max) return this.refuse(socket, req, 503, 'too many connections');
    const address = this.options.clientAddress?.(req) ?? req.socket.remoteAddress ?? '';
    const group = addressGroup(address);
    const perIp = this.options.maxConnectionsPerIp ?? 0;
    const fromAddress = this.perAddress.get(group) ?? 0;
    if (perIp > 0 && fromAddress >= perIp) return this.refuse(socket, req, 503, 'too many connections from this address');

    const deflateOptions = this.options.perMessageDeflate;
    const offer = req.headers['sec-websocket-extensions'];
    const deflate =
      deflateOptions && typeof offer === 'string'
        ? acceptDeflateOffer(offer, deflateOptions === true ? {} : deflateOptions)
        : undefined;

    endHandshakeTimer(req.socket);
    if ('setNoDelay' in socket) (socket as Socket).setNoDelay(true);
    socket.write(acceptResponse(result.key, result.protocol, deflate?.header));

    const connection = new WebSocketConnection(
      socket,
      {
        role: 'server',
        maxMessageSize: this.options.maxMessageSize,
        maxFragments: this.options.maxFragments,
        closeTimeoutMs: this.options.closeTimeoutMs,
        maxBufferedAmount: this.options.maxBufferedAmount,
        protocol: result.protocol,
        remoteAddress: address,
        deflate,
        onClosed: this.forget,
      },
      head,
    );
    this.connections.add(connection);
    this.perAddress.set(group, fromAddress + 1);
    this.emit('connection', connection, req);
  }

  /**
   * Stops accepting upgrades and closes every connection with `code`
   * (1001 "going away" by default). Resolves once all are closed; the close
   * timeout bounds how long an unresponsive peer can delay that.
   */
  async closeAll(code: number = CloseCode.GOING_AWAY, reason = 'server shutting down'): Promise<void> {
    this.accepting = false;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const waiting: Promise<void>[] = [];
    for (const connection of this.connections) {
      if (connection.readyState === ReadyState.CLOSED) continue;
      waiting.push(new Promise((resolve) => connection.once('close', () => resolve())));
      connection.close(code, reason);
    }
    await Promise.all(waiting);
  }

  /** Bookkeeping when a connection ends: one function shared by all of them. */
  private readonly forget = (connection: WebSocketConnection): void => {
    this.connections.delete(connection);
    const address = addressGroup(connection.remoteAddress ?? '');
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  };

  private heartbeatRound(): void {
    for (const connection of this.connections) {
      if (!connection.heartbeat()) connection.terminate();
    }
  }

  private refuse(
    socket: Duplex,
    req: IncomingMessage,
    status: number,
    reason: string,
    headers?: Record<string, string>,
  ): void {
    this.emit('rejected', status, reason, req);
    if (socket.writable) socket.end(errorResponse(status, reason, headers));
    // Do not wait forever for a peer that never reads the answer.
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}

const handshakeTimers = new WeakMap<object, NodeJS.Timeout>();

/** Shared by every socket (no closure each): a reset before or during the handshake just ends it. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

function dropSocket(socket: Socket): void {
  handshakeTimers.delete(socket);
  socket.destroy();
}

/** The request arrived in time: forget the socket's handshake timer (and free it). */
function endHandshakeTimer(socket: object): void {
  const timer = handshakeTimers.get(socket);
  if (timer === undefined) return;
  clearTimeout(timer);
  handshakeTimers.delete(socket);
}
