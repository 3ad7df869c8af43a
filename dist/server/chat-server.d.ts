/**
 * The chat server: an HTTP server (or HTTPS with TLS options) that serves
 * the chat WebSocket at /ws, /healthz, /metrics and the web page. The HTTP
 * side is lib/server/http-front.ts; the binding of connections to the chat
 * is lib/server/chat-service.ts; the log behind it is in memory for one
 * process or a Redis stream for a cluster (`--redis`).
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RedisLog } from '../log/redis-log.ts';
import { WebSocketServer } from '../websocket/server.ts';
import { type ChatService } from './chat-service.ts';
import { type HttpFront } from './http-front.ts';
import { type Logger } from './logger.ts';
import { type ServerOptions } from './options.ts';
export declare const WEB_ROOT: string;
/** Loads the cluster code; needed once before `createChatServer` or `mountChat` with `redis`. */
export declare function loadClusterSupport(): Promise<void>;
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
export declare function createChatServer(options: ServerOptions, logger: Logger, webRoot?: string): ChatServer;
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
export declare function mountChat(server: HttpServer | HttpsServer, mount?: MountOptions): MountedChat;
