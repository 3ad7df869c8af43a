/**
 * The server side: attaches to an `http.Server` or `https.Server`, runs the
 * opening handshake on its `upgrade` events and hands out connections.
 * Owns the limits that span connections (counts per server and per address,
 * the handshake timeout, the heartbeat round).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketConnection } from './connection.ts';
import { type HandshakeOptions } from './handshake.ts';
import { type PerMessageDeflateOptions } from './permessage-deflate.ts';
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
export declare class WebSocketServer extends EventEmitter<WebSocketServerEvents> {
    readonly connections: Set<WebSocketConnection>;
    private readonly options;
    private readonly perAddress;
    private heartbeatTimer;
    private accepting;
    constructor(options?: WebSocketServerOptions);
    /** Serves WebSocket upgrades on `server` (plain requests stay the server's business). */
    attach(server: HttpServer | HttpsServer): this;
    /** Runs the handshake for one `upgrade` event. Never throws. */
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
    /**
     * Stops accepting upgrades and closes every connection with `code`
     * (1001 "going away" by default). Resolves once all are closed; the close
     * timeout bounds how long an unresponsive peer can delay that.
     */
    closeAll(code?: number, reason?: string): Promise<void>;
    /** Bookkeeping when a connection ends: one function shared by all of them. */
    private readonly forget;
    private heartbeatRound;
    private refuse;
}
