import { type IncomingMessage } from 'node:http';
/** §4.2.2 step 5.4: base64(SHA-1(key + GUID)). */
export declare function acceptKey(key: string): string;
/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (§4.1). */
export declare function generateKey(): string;
export interface HandshakeOptions {
    /** Paths that accept upgrades (query string ignored); undefined: any path. */
    paths?: readonly string[] | undefined;
    /** Decides whether a request's `Origin` (undefined if absent) may connect (§10.2). */
    allowOrigin?: ((origin: string | undefined, req: IncomingMessage) => boolean) | undefined;
    /** Picks one of the client's subprotocols, or none (§4.2.2 step 5.5). */
    selectProtocol?: ((offered: readonly string[], req: IncomingMessage) => string | undefined) | undefined;
}
export type HandshakeResult = {
    ok: true;
    key: string;
    protocol: string | undefined;
} | {
    ok: false;
    status: number;
    reason: string;
    headers?: Record<string, string>;
};
/** Checks an upgrade request against §4.2.1 and the server's own policy. Never throws. */
export declare function checkUpgradeRequest(req: IncomingMessage, options?: HandshakeOptions): HandshakeResult;
/** The 101 response that completes the handshake (§4.2.2 step 5). */
export declare function acceptResponse(key: string, protocol?: string, extensions?: string): string;
/** A plain-text HTTP error response that also closes the connection. */
export declare function errorResponse(status: number, message: string, headers?: Record<string, string>): string;
