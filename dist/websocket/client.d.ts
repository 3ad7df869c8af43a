import { WebSocketConnection } from './connection.ts';
import { type PerMessageDeflateOptions } from './permessage-deflate.ts';
export interface ConnectOptions {
    /** Subprotocols to offer (§4.1 Sec-WebSocket-Protocol). */
    protocols?: readonly string[];
    /** Sent as the Origin header, as a browser would. */
    origin?: string;
    headers?: Record<string, string>;
    /** Give up if the handshake has not finished in this time. Default 10 s. */
    handshakeTimeoutMs?: number;
    maxMessageSize?: number;
    maxFragments?: number;
    closeTimeoutMs?: number;
    /** TLS: extra trusted CA certificates (PEM), or false to skip verification. */
    ca?: string | Buffer;
    rejectUnauthorized?: boolean;
    /** Offer permessage-deflate (RFC 7692); off by default. True or options to offer it. */
    perMessageDeflate?: PerMessageDeflateOptions | boolean;
}
export declare class HandshakeError extends Error {
    readonly status: number | undefined;
    constructor(message: string, status?: number);
}
export declare function connect(url: string | URL, options?: ConnectOptions): Promise<WebSocketConnection>;
