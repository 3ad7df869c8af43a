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
    tlsCert: string | undefined;
    tlsKey: string | undefined;
    logLevel: LogLevel;
}
export declare class OptionsError extends Error {
}
export declare function usage(): string;
/** Parses flags and environment. Throws OptionsError with a message for the user. */
export declare function parseServerOptions(argv: string[], env: NodeJS.ProcessEnv): ServerOptions | 'help';
/** The defaults, for tests and embedding. */
export declare function defaultServerOptions(overrides?: Partial<ServerOptions>): ServerOptions;
