import { type LogLevel } from './logger.ts';
export interface ServerOptions {
    port: number;
    /** undefined: every interface (Node listens on :: and, where there is no IPv6, 0.0.0.0). */
    host: string | undefined;
    messageTtl: number;
    idleTimeout: number;
    joinTimeout: number;
    maxMessageLength: number;
    maxPayload: number;
    heartbeat: number;
    handshakeTimeout: number;
    rateLimit: number;
    maxBuffered: number;
    /** undefined: the server's own origin only (plus requests without Origin); ['*']: any. */
    allowedOrigins: string[] | undefined;
    maxConnections: number;
    maxConnectionsPerIp: number;
    /** Open plain HTTP connections (not upgraded), in total and per address; 0 = no cap. */
    maxHttpConnections: number;
    maxHttpConnectionsPerIp: number;
    /** Seconds a dropped connection's session may be resumed. */
    resumeWindow: number;
    /** Seconds after a drop before the others are told the user left (0 = at once); at most resumeWindow. */
    resumeGrace: number;
    /** permessage-deflate offered by clients is accepted (RFC 7692). */
    deflate: boolean;
    /** Redis URL for cluster mode; undefined = a single server. */
    redis: string | undefined;
    /** Proxies (addresses, CIDR blocks, `loopback`) whose forwarded client address is believed; empty = none. */
    trustProxy: string[];
    tlsCert: string | undefined;
    tlsKey: string | undefined;
    logLevel: LogLevel;
}
export declare class OptionsError extends Error {
}
export declare function usage(): string;
/** Parses flags and environment. Throws OptionsError naming the option or variable that is wrong. */
export declare function parseServerOptions(argv: string[], env: NodeJS.ProcessEnv): ServerOptions | 'help';
/** The defaults, for tests and embedding. */
export declare function defaultServerOptions(overrides?: Partial<ServerOptions>): ServerOptions;
