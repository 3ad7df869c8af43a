import { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from '../websocket/server.ts';
import type { Logger } from './logger.ts';
import type { ServerOptions } from './options.ts';
import { type ChatStats, type ServerMetrics } from './server-metrics.ts';
/** A keep-alive connection with no request in flight is closed after this long. */
export declare const KEEP_ALIVE_TIMEOUT_MS = 5000;
export interface HttpFrontHooks {
    /** The chat's figures, read for /healthz and /metrics. */
    stats(): ChatStats;
    /** More fields for the /healthz body. */
    healthExtra?(): Record<string, unknown>;
}
export interface HttpFront {
    readonly http: Server;
    readonly metrics: ServerMetrics;
    /** The client's address: the peer, or behind a trusted proxy the forwarded client. */
    readonly clientAddress: (req: IncomingMessage) => string;
    /** The Origin check for the WebSocketServer (RFC 6454 comparison). */
    readonly allowOrigin: (origin: string | undefined, req: IncomingMessage) => boolean;
    /** Logs and counts the refused upgrades of `sockets`. */
    watch(sockets: WebSocketServer): void;
    listen(): Promise<AddressInfo>;
    /** Stops accepting, closes idle keep-alive connections, stops the samplers. */
    close(): void;
}
export declare function createHttpFront(options: ServerOptions, logger: Logger, hooks: HttpFrontHooks, webRoot: string): HttpFront;
