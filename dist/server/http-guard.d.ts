/**
 * Bounds on plain HTTP connections: how many are open in total and per
 * address (until they are upgraded to WebSocket, when the WebSocket caps take
 * over), and no request bodies (the server needs none; a body trickled a byte
 * at a time would otherwise hold a socket until Node's request timeout).
 * Each refusal is counted; the log gets one line per burst, not per socket.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';
import { type TrustedProxies } from './proxy.ts';
import type { ServerMetrics } from './server-metrics.ts';
export interface HttpGuardOptions {
    /** Open plain HTTP connections in total (0 = no cap). */
    maxConnections: number;
    /** Open plain HTTP connections per address, IPv6 by /64 (0 = no cap). Trusted proxies are exempt. */
    maxPerAddress: number;
    trusted: TrustedProxies;
}
/** Logs the first event of a burst at once, then one summary per quiet-or-full window. */
export declare class BurstLog {
    private suppressed;
    private timer;
    private readonly logger;
    private readonly event;
    private readonly windowMs;
    constructor(logger: Logger, event: string, windowMs?: number);
    hit(fields: Record<string, string | number | undefined>): void;
    private flush;
    stop(): void;
}
export declare class HttpGuard {
    private readonly open;
    private readonly perAddress;
    private readonly groupOf;
    private readonly log;
    private readonly options;
    private readonly metrics;
    /** One 'close' listener shared by every socket (`this` is the socket), removed on upgrade. */
    private readonly onSocketClose;
    constructor(options: HttpGuardOptions, logger: Logger, metrics: ServerMetrics);
    get size(): number;
    /** Counts sockets where requests arrive: TCP for HTTP, the TLS socket (after its handshake) for HTTPS. */
    attach(server: Server, tls: boolean): void;
    private admit;
    private forget;
    private refuse;
    /**
     * Refuses a request that carries a body (none of the routes reads one):
     * 413 for GET and HEAD; other methods get their 405 from the router. Either
     * way the connection closes after the answer, so the body is never waited for.
     * Returns true when the request was answered here.
     */
    checkBody(req: IncomingMessage, res: ServerResponse, addr: string): boolean;
    stop(): void;
}
