/**
 * A plain WebSocket echo server on the library, for conformance suites such
 * as Autobahn: every message comes back unchanged as one message of the same
 * type, on any path. Knows nothing of chat.
 */
import { type Server } from 'node:http';
import { WebSocketServer } from './websocket/server.ts';
export interface EchoServerOptions {
    port?: number;
    host?: string;
    /** Default 16 MiB, as the conformance contract asks. */
    maxMessageSize?: number;
    /** Default 131,072: well past the 65,536 fragments a suite may send. */
    maxFragments?: number;
    /**
     * Accept permessage-deflate when a client offers it (default true). The
     * echo server compresses every reply on such a connection (threshold 0),
     * so a suite exercises the compressor at every message size.
     */
    perMessageDeflate?: boolean;
}
export interface EchoServer {
    server: Server;
    sockets: WebSocketServer;
    port: number;
    close(): Promise<void>;
}
export declare function startEchoServer(options?: EchoServerOptions): Promise<EchoServer>;
